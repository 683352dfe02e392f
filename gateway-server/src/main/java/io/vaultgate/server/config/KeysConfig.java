package io.vaultgate.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The key provider that holds tenant KEKs ({@code keys.*}). There is deliberately no key whose value is a
 * secret: the master secret that protects the keystore comes from the environment variable named by
 * {@code masterSecretEnv} when it is set, otherwise from {@code masterSecretFile}; the PIN of a PKCS#11 token
 * likewise ({@link Pkcs11}).
 *
 * @param provider          the kind of key provider
 * @param keystore          PKCS#12 keystore file, relative to home unless absolute ({@code keystore})
 * @param masterSecretFile  file holding the master secret, relative to home unless absolute ({@code keystore})
 * @param masterSecretEnv   environment variable whose value, when set and non-empty, is the master secret
 *                          and wins over the file; empty to never look in the environment ({@code keystore})
 * @param maxKekAge         a tenant KEK older than this is reported by {@code vaultgate doctor} as overdue for
 *                          rotation; zero never reports one
 * @param pkcs11            the token and how to log in to it ({@code pkcs11})
 */
public record KeysConfig(KeyProviderType provider, Path keystore, Path masterSecretFile, String masterSecretEnv,
                         Duration maxKekAge, Pkcs11 pkcs11) {

    public KeysConfig {
        Require.present("keys.provider", provider);
        Require.path("keys.keystore", keystore);
        Require.path("keys.master-secret-file", masterSecretFile);
        Require.envName("keys.master-secret-env", masterSecretEnv);
        Require.between("keys.max-kek-age", maxKekAge, Duration.ZERO, Duration.ofDays(36500));
        Require.present("keys.pkcs11", pkcs11);
        if (provider == KeyProviderType.PKCS11) {
            pkcs11.requireComplete();
        }
    }

    /** A provider without PKCS#11 settings (the keystore's). */
    public KeysConfig(KeyProviderType provider, Path keystore, Path masterSecretFile, String masterSecretEnv,
                      Duration maxKekAge) {
        this(provider, keystore, masterSecretFile, masterSecretEnv, maxKekAge, Pkcs11.defaults());
    }

    /** Without a rotation limit: a KEK is never reported overdue. */
    public KeysConfig(KeyProviderType provider, Path keystore, Path masterSecretFile, String masterSecretEnv) {
        this(provider, keystore, masterSecretFile, masterSecretEnv, Duration.ZERO);
    }

    public static KeysConfig defaults() {
        return new KeysConfig(KeyProviderType.KEYSTORE, Path.of("keys/kek.p12"), Path.of("secrets/master.key"),
                "VAULTGATE_MASTER_SECRET", Duration.ofDays(365), Pkcs11.defaults());
    }

    /**
     * A PKCS#11 token ({@code keys.pkcs11.*}), used when {@code keys.provider} is {@code pkcs11}. The user PIN is
     * never configuration: it comes from the environment variable named by {@code pinEnv} when it is set and
     * non-empty, otherwise from {@code pinFile}.
     *
     * @param library  absolute path of the PKCS#11 module (shared library), e.g.
     *                 {@code /usr/lib/softhsm/libsofthsm2.so}; empty when unused
     * @param slot     the token's slot id as the module reports it ({@code softhsm2-util --show-slots},
     *                 {@code pkcs11-tool --list-slots}); -1 when unused
     * @param pinFile  file holding the user PIN (mode 0600), relative to home unless absolute
     * @param pinEnv   environment variable whose value, when set and non-empty, is the PIN and wins over the file;
     *                 empty to never look in the environment
     */
    public record Pkcs11(String library, long slot, Path pinFile, String pinEnv) {

        public Pkcs11 {
            Require.present("keys.pkcs11.library", library);
            if (!library.isEmpty() && !absolute(library)) {
                throw new ConfigException("keys.pkcs11.library", "not an absolute path " + InvalidValue.quote(library),
                        "give the absolute path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so");
            }
            if (slot < -1) {
                throw new ConfigException("keys.pkcs11.slot", "expected a slot id of 0 or more (or -1 for none), got "
                        + slot, "give the slot id the module reports, e.g. from softhsm2-util --show-slots");
            }
            Require.path("keys.pkcs11.pin-file", pinFile);
            Require.envName("keys.pkcs11.pin-env", pinEnv);
        }

        private static boolean absolute(String path) {
            try {
                return Path.of(path).isAbsolute();
            } catch (java.nio.file.InvalidPathException e) {
                return false;
            }
        }

        public static Pkcs11 defaults() {
            return new Pkcs11("", -1, Path.of("secrets/pkcs11.pin"), "VAULTGATE_PKCS11_PIN");
        }

        /** What {@code keys.provider: pkcs11} needs: a module and a slot. */
        void requireComplete() {
            if (library.isEmpty()) {
                throw new ConfigException("keys.pkcs11.library", "no PKCS#11 module given, but keys.provider is "
                        + "pkcs11", "give the absolute path of the HSM's PKCS#11 module, e.g. "
                        + "keys.pkcs11.library: /usr/lib/softhsm/libsofthsm2.so");
            }
            if (slot < 0) {
                throw new ConfigException("keys.pkcs11.slot", "no slot given, but keys.provider is pkcs11",
                        "give the slot id of the token the module reports, e.g. from softhsm2-util --show-slots or "
                                + "pkcs11-tool --list-slots");
            }
        }
    }
}
