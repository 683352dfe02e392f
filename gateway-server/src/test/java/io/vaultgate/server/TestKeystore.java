package io.vaultgate.server;

import io.vaultgate.crypto.keystore.KdfParams;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.KeyProviderType;
import io.vaultgate.server.config.MasterSecretSource;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.sftp.HostKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Seeds a data directory, before {@code vaultgate init} (or {@code run}) initializes the rest of it for
 * real, with the two things that make every command of a test cost seconds of CPU:
 * <ul>
 *   <li>the tenant keystore, stretched with a test-cost Argon2id ({@link #TEST_KDF}) instead of
 *       {@link KdfParams#DEFAULT} (64 MiB, 3 passes: about a second per open in pure Java, and every CLI
 *       command opens it); the keystore file names its parameters, so every later open uses these;</li>
 *   <li>the SSH host keys (Ed25519 and RSA-3072), generated once per JVM and copied in.</li>
 * </ul>
 * Everything else (audit key, TLS material, catalog, admin token) is still made by the real initializer.
 * The production parameters stay covered: {@code
 * CommandLineTest.init_stretchesTheKeystoreWithTheProductionCost_whichCommandsThenOpen} (which checks the file
 * names the production cost) and
 * {@code DemoIT} initialize unseeded homes, and gateway-crypto's KeystoreKeyProviderTest covers DEFAULT.
 */
public final class TestKeystore {

    /** 1 MiB, 1 pass: what gateway-core's TestCore uses. */
    public static final KdfParams TEST_KDF = new KdfParams(1024, 1, 1);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static List<Path> hostKeys;

    private TestKeystore() {
    }

    /** Seeds {@code home} as configured by default (no config file, no environment). */
    public static void seed(Path home) {
        seed(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString())));
    }

    /** Seeds the home of {@code config}, with the master secret in its file (as without the environment). */
    public static void seed(VaultgateConfig config) {
        seed(config, Map.of());
    }

    /**
     * Seeds the home of {@code config}, reading the master secret where {@code env} makes the gateway read it
     * (and, like the initializer, writing a new one to its file when that is where it is read and it is
     * missing). A home that has a keystore, or uses another key provider, is left alone.
     */
    public static void seed(VaultgateConfig config, Map<String, String> env) {
        if (config.keys().provider() != KeyProviderType.KEYSTORE || Files.exists(config.keystoreFile())) {
            return;
        }
        try {
            DataDirectory home = new DataDirectory(config);
            home.ensureWritable();
            if (config.masterSecretSource(env) instanceof MasterSecretSource.File file
                    && !Files.exists(file.path())) {
                byte[] secret = new byte[32];
                RANDOM.nextBytes(secret);
                DataDirectory.writeSecret(file.path(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
            }
            DataDirectory.privateDirectory(config.keystoreFile().getParent());
            MasterSecret secret = CoreResources.masterSecret(config, env);
            try {
                KeystoreKeyProvider.create(config.keystoreFile(), secret, TEST_KDF).close();
            } finally {
                secret.destroy();
            }
            copyHostKeys(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Seeds only the SSH host keys of {@code config}'s home (whatever its key provider), so that {@code init} finds
     * them and generates none: for homes on a PKCS#11 token, which {@link #seed(VaultgateConfig, Map)} leaves alone.
     * The RSA-3072 key is what makes {@code init} cost: 10-20 s of CPU in a child JVM limited to C1, which has no
     * intrinsics for BigInteger's multiplication.
     */
    public static void seedHostKeys(VaultgateConfig config) {
        try {
            DataDirectory home = new DataDirectory(config);
            home.ensureWritable();
            copyHostKeys(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyHostKeys(DataDirectory home) throws IOException {
        List<Path> generated = generatedHostKeys();
        DataDirectory.privateDirectory(home.sshDir());
        for (int i = 0; i < generated.size(); i++) {
            Path target = home.hostKeys().get(i);
            if (!Files.exists(target)) {
                Files.copy(generated.get(i), target, StandardCopyOption.COPY_ATTRIBUTES);
                Path publicKey = publicHalf(generated.get(i));
                if (Files.exists(publicKey)) {
                    Files.copy(publicKey, publicHalf(target), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static Path publicHalf(Path privateKey) {
        return privateKey.resolveSibling(privateKey.getFileName() + ".pub");
    }

    /** One Ed25519 and one RSA-3072 host key per JVM, in the order of {@link DataDirectory#hostKeys()}. */
    private static synchronized List<Path> generatedHostKeys() throws IOException {
        if (hostKeys == null) {
            Path dir = Files.createTempDirectory("vaultgate-test-hostkeys-");
            List<Path> keys = HostKeys.generate(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (Path key : keys) {
                    try {
                        Files.deleteIfExists(key);
                        Files.deleteIfExists(publicHalf(key));
                    } catch (IOException ignored) {
                        // a temp file left behind
                    }
                }
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temp dir left behind
                }
            }, "test-hostkeys-cleanup"));
            hostKeys = keys;
        }
        return hostKeys;
    }
}
