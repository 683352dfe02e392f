package io.vaultgate.core.auth;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;

/**
 * An SSH public key as written in {@code authorized_keys} ({@code type base64 [comment]}), validated and
 * identified by its OpenSSH SHA-256 fingerprint. Only the key types the gateway accepts are allowed:
 * Ed25519, ECDSA on NIST P-256/384/521 and RSA of at least {@value #MIN_RSA_BITS} bits.
 */
public record SshPublicKey(String type, String base64Blob, String fingerprint) {

    public static final int MIN_RSA_BITS = 2048;
    private static final Set<String> TYPES = Set.of("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521");

    public static SshPublicKey parse(String line) {
        String[] fields = line == null ? new String[0] : line.trim().split("\\s+");
        if (fields.length < 2) {
            throw new IllegalArgumentException("not an OpenSSH public key line; expected \"<type> <base64> [comment]\"");
        }
        String type = fields[0];
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unsupported SSH key type \"" + type + "\"; allowed: "
                    + String.join(", ", TYPES.stream().sorted().toList()));
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(fields[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SSH public key is not valid base64");
        }
        ByteBuffer buffer = ByteBuffer.wrap(blob);
        String inner = new String(readString(buffer), StandardCharsets.US_ASCII);
        if (!inner.equals(type)) {
            throw new IllegalArgumentException("SSH public key says \"" + type + "\" but encodes \"" + inner + "\"");
        }
        if (type.equals("ssh-rsa")) {
            readString(buffer); // public exponent
            int bits = new BigInteger(1, readString(buffer)).bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new IllegalArgumentException("RSA key has " + bits + " bits; at least " + MIN_RSA_BITS
                        + " are required");
            }
        }
        return new SshPublicKey(type, fields[1], fingerprintOf(blob));
    }

    /** The key as one {@code authorized_keys} line without a comment. */
    public String openSshLine() {
        return type + " " + base64Blob;
    }

    /** OpenSSH's fingerprint form: {@code SHA256:} and the unpadded base64 of the blob's SHA-256. */
    public static String fingerprintOf(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static byte[] readString(ByteBuffer buffer) {
        if (buffer.remaining() < 4) {
            throw new IllegalArgumentException("SSH public key is truncated");
        }
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalArgumentException("SSH public key is truncated");
        }
        byte[] value = new byte[length];
        buffer.get(value);
        return value;
    }
}
