package io.vaultgate.sftp;

import io.vaultgate.crypto.file.DurableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * SSH host keys: generated once by {@code vaultgate init}, shared by every node of a cluster, loaded at
 * start-up. Files are in OpenSSH's own private-key format (as {@code ssh-keygen} writes them), unencrypted and
 * readable by the owner only, so {@code ssh-keygen -l -f} shows their fingerprints.
 */
public final class HostKeys {

    public static final String ED25519_FILE = "ssh_host_ed25519_key";
    public static final String RSA_FILE = "ssh_host_rsa_key";
    public static final int RSA_BITS = 3072;

    /** Makes the key pair of a host key: {@link KeyUtils#generateKeyPair}, in production. */
    @FunctionalInterface
    public interface KeyPairSource {
        KeyPair generate(String type, int bits) throws GeneralSecurityException;
    }

    /** Key pairs made now, from the JVM's secure random source: what {@link #generate(Path)} writes. */
    public static final KeyPairSource GENERATED = KeyUtils::generateKeyPair;

    private HostKeys() {
    }

    /**
     * Writes an Ed25519 and an RSA-{@value #RSA_BITS} host key into {@code dir} (created if missing, its entry
     * flushed: keys written into a directory a power loss then takes with it would be made again, and clients would
     * see the host key change), each with a {@code .pub} beside it. A key file that already exists is kept, never
     * overwritten.
     *
     * @return the private key files, Ed25519 first
     */
    public static List<Path> generate(Path dir) {
        return generate(dir, GENERATED);
    }

    /** As {@link #generate(Path)}, with the key pairs {@code pairs} makes (a test's, made once: RSA takes long). */
    public static List<Path> generate(Path dir, KeyPairSource pairs) {
        try {
            DurableFile.createDirectories(dir, DurableFile.Mode.UMASK);
            return List.of(generate(dir.resolve(ED25519_FILE), KeyPairProvider.SSH_ED25519, 256, pairs),
                    generate(dir.resolve(RSA_FILE), KeyPairProvider.SSH_RSA, RSA_BITS, pairs));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write SSH host keys into " + dir, e);
        }
    }

    /** Loads and checks the configured host keys; an unreadable or weak key fails start-up, naming the file. */
    public static KeyPairProvider load(List<Path> files) {
        List<KeyPair> pairs = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("sftp.hostKeys: " + file + ": not found or not readable; "
                        + "run `vaultgate init` or give an absolute path to an OpenSSH private key");
            }
            Iterable<KeyPair> loaded;
            try {
                loaded = new FileKeyPairProvider(file).loadKeys(null);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("sftp.hostKeys: " + file + ": not an unencrypted OpenSSH "
                        + "private key (" + e.getMessage() + ")", e);
            }
            for (KeyPair pair : loaded) {
                checkStrength(file, pair);
                pairs.add(pair);
            }
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("sftp.hostKeys: no key could be read from " + files);
        }
        return KeyPairProvider.wrap(pairs);
    }

    private static void checkStrength(Path file, KeyPair pair) {
        if (pair.getPublic() instanceof RSAKey rsa && rsa.getModulus().bitLength() < RSA_BITS) {
            throw new IllegalArgumentException("sftp.hostKeys: " + file + ": RSA host key has "
                    + rsa.getModulus().bitLength() + " bits; at least " + RSA_BITS + " are required");
        }
        String type = KeyUtils.getKeyType(pair);
        if (!KeyPairProvider.SSH_ED25519.equals(type) && !KeyPairProvider.SSH_RSA.equals(type)
                && !type.startsWith("ecdsa-sha2-")) {
            throw new IllegalArgumentException("sftp.hostKeys: " + file + ": key type " + type
                    + " is not allowed; use Ed25519 or RSA-" + RSA_BITS);
        }
    }

    private static Path generate(Path file, String type, int bits, KeyPairSource pairs) throws IOException {
        if (Files.exists(file)) {
            return file;
        }
        KeyPair pair;
        try {
            pair = pairs.generate(type, bits);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + type + " host key in this JVM", e);
        }
        String comment = "vaultgate-host";
        // durably, the public key first, then the private key (0600 from its creation) under its name only whole
        // (DurableFile; crash-consistency audit M1): never an empty or half key file a start would fail on
        DurableFile.write(file.resolveSibling(file.getFileName() + ".pub"), out -> {
            try {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(pair.getPublic(), comment, out);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot encode the " + type + " public host key", e);
            }
        }, DurableFile.Mode.UMASK, DurableFile.Replace.EXISTING);
        DurableFile.write(file, file.resolveSibling(file.getFileName() + ".tmp"), out -> {
            try {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, out);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot encode the " + type + " host key", e);
            }
        }, DurableFile.Mode.OWNER_ONLY, DurableFile.Replace.NEVER);
        return file;
    }
}
