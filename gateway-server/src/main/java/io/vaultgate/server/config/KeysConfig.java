package io.vaultgate.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The key provider that holds tenant KEKs ({@code keys.*}). There is deliberately no key whose value is a
 * secret: the master secret that protects the keystore comes from the environment variable named by
 * {@code masterSecretEnv} when it is set, otherwise from {@code masterSecretFile}.
 *
 * @param provider          the kind of key provider
 * @param keystore          PKCS#12 keystore file, relative to home unless absolute
 * @param masterSecretFile  file holding the master secret, relative to home unless absolute
 * @param masterSecretEnv   environment variable whose value, when set and non-empty, is the master secret
 *                          and wins over the file; empty to never look in the environment
 * @param maxKekAge         a tenant KEK older than this is reported by {@code vaultgate doctor} as overdue for
 *                          rotation; zero never reports one
 */
public record KeysConfig(KeyProviderType provider, Path keystore, Path masterSecretFile, String masterSecretEnv,
                         Duration maxKekAge) {

    public KeysConfig {
        Require.present("keys.provider", provider);
        Require.path("keys.keystore", keystore);
        Require.path("keys.master-secret-file", masterSecretFile);
        Require.envName("keys.master-secret-env", masterSecretEnv);
        Require.between("keys.max-kek-age", maxKekAge, Duration.ZERO, Duration.ofDays(36500));
    }

    /** Without a rotation limit: a KEK is never reported overdue. */
    public KeysConfig(KeyProviderType provider, Path keystore, Path masterSecretFile, String masterSecretEnv) {
        this(provider, keystore, masterSecretFile, masterSecretEnv, Duration.ZERO);
    }

    public static KeysConfig defaults() {
        return new KeysConfig(KeyProviderType.KEYSTORE, Path.of("keys/kek.p12"), Path.of("secrets/master.key"),
                "VAULTGATE_MASTER_SECRET", Duration.ofDays(365));
    }
}
