package io.vaultgate.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}), with OWASP's minimum parameters. Verification
 * reads the parameters from the stored string, so they can be raised later without invalidating hashes.
 * Checks run at most one per processor (at least two) at once ({@link DerivationPermits}): a check that finds them
 * all busy for a second is refused ({@link Check#BUSY}) without deriving anything, so a flood of login attempts
 * cannot hold more than that many derivations' memory.
 */
public final class PasswordHasher {

    private static final int MEMORY_KIB = 19_456;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    /** The outcome of a password check. */
    public enum Check {
        MATCH, MISMATCH,
        /** Refused unchecked: as many checks as allowed were running, and none ended within the wait. */
        BUSY
    }

    private final SecureRandom random;
    private final DerivationPermits permits;

    public PasswordHasher(SecureRandom random) {
        this(random, DerivationPermits.forThisMachine());
    }

    PasswordHasher(SecureRandom random, DerivationPermits permits) {
        this.random = random;
        this.permits = permits;
    }

    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * A hash of a password nobody has, at this class's cost: checked for a login name that has no password, so that
     * the check takes as long as a known name's. Made once per process (a derivation costs about 100 ms of CPU and
     * 19 MiB), not once per authenticator: the cost parameters are this class's constants, so it is the same decoy.
     */
    static String decoy() {
        return Decoy.HASH;
    }

    private static final class Decoy {
        static final String HASH = new PasswordHasher(new SecureRandom(), DerivationPermits.forThisMachine())
                .hash("decoy".toCharArray());
    }

    /** Whether {@code password} matches the stored PHC string ({@link #check}); a busy refusal does not match. */
    public boolean verify(char[] password, String stored) {
        return check(password, stored) == Check.MATCH;
    }

    /**
     * Constant-time check of {@code password} against a stored PHC string; malformed strings never match. Waits a
     * second at most for one of the permitted concurrent checks, else answers {@link Check#BUSY} at once.
     */
    public Check check(char[] password, String stored) {
        if (!permits.acquire()) {
            return Check.BUSY;
        }
        try {
            return matches(password, stored) ? Check.MATCH : Check.MISMATCH;
        } finally {
            permits.release();
        }
    }

    private static boolean matches(char[] password, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        try {
            int memory = 0;
            int iterations = 0;
            int parallelism = 0;
            for (String parameter : parts[3].split(",")) {
                int value = Integer.parseInt(parameter.substring(2));
                switch (parameter.substring(0, 2)) {
                    case "m=" -> memory = value;
                    case "t=" -> iterations = value;
                    case "p=" -> parallelism = value;
                    default -> {
                        return false;
                    }
                }
            }
            byte[] salt = Base64.getDecoder().decode(parts[4]);
            byte[] expected = Base64.getDecoder().decode(parts[5]);
            byte[] actual = derive(password, salt, memory, iterations, parallelism, expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            return false;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int memory, int iterations, int parallelism,
                                 int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memory).withIterations(iterations).withParallelism(parallelism)
                .build());
        byte[] passwordBytes = toUtf8(password);
        byte[] out = new byte[length];
        try {
            generator.generateBytes(passwordBytes, out);
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
        return out;
    }

    private static byte[] toUtf8(char[] password) {
        java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        Arrays.fill(encoded.array(), (byte) 0);
        return bytes;
    }
}
