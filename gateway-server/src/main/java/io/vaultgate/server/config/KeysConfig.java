package io.vaultgate.server.config;

import java.nio.charset.StandardCharsets;
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
     * <p>The token is selected by its label ({@code tokenLabel}) or by its slot id ({@code slot}): exactly one of them.
     * A slot id can change when tokens are added or re-initialised (SoftHSM2 derives it from the token's serial
     * number, many HSMs number slots by position), so the label is the stable choice; {@code tokenSerial}, when set,
     * is checked whichever selects. Start-up refuses a token that is not the configured one.
     *
     * @param library     absolute path of the PKCS#11 module (shared library), e.g.
     *                    {@code /usr/lib/softhsm/libsofthsm2.so}; empty when unused
     * @param tokenLabel  the label of the token (one token of the module must bear it); empty when the slot selects
     * @param slot        the token's slot id as the module reports it ({@code softhsm2-util --show-slots},
     *                    {@code pkcs11-tool --list-slots}); -1 when the label selects or unused
     * @param tokenSerial the token's serial number, checked at start whichever selects; empty for no check
     * @param pinFile     file holding the user PIN (mode 0600), relative to home unless absolute
     * @param pinEnv      environment variable whose value, when set and non-empty, is the PIN and wins over the
     *                    file; empty to never look in the environment
     */
    public record Pkcs11(String library, String tokenLabel, long slot, String tokenSerial, Path pinFile,
                         String pinEnv) {

        /** The token in {@code slot}, whatever its label and serial number. */
        public Pkcs11(String library, long slot, Path pinFile, String pinEnv) {
            this(library, "", slot, "", pinFile, pinEnv);
        }

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
            Require.present("keys.pkcs11.token-label", tokenLabel);
            Require.present("keys.pkcs11.token-serial", tokenSerial);
            if (tokenLabel.getBytes(StandardCharsets.UTF_8).length > 32 || !tokenLabel.equals(tokenLabel.strip())) {
                throw new ConfigException("keys.pkcs11.token-label", "not a token label "
                        + InvalidValue.quote(tokenLabel) + " (1-32 bytes of UTF-8, no leading or trailing blank)",
                        "give the label the token was initialized with (softhsm2-util --show-slots, pkcs11-tool "
                                + "--list-token-slots)");
            }
            if (tokenSerial.length() > 16 || !tokenSerial.equals(tokenSerial.strip())) {
                throw new ConfigException("keys.pkcs11.token-serial", "not a token serial number "
                        + InvalidValue.quote(tokenSerial) + " (1-16 characters, no leading or trailing blank)",
                        "give the serial number the module reports (softhsm2-util --show-slots: \"Serial number\")");
            }
            if (!tokenLabel.isEmpty() && slot >= 0) {
                throw new ConfigException("keys.pkcs11.slot", "both keys.pkcs11.token-label and keys.pkcs11.slot "
                        + "are given; exactly one of them selects the token",
                        "keep keys.pkcs11.token-label (a slot id can change when tokens are added or re-initialised) "
                                + "and set keys.pkcs11.slot to -1");
            }
            Require.path("keys.pkcs11.pin-file", pinFile);
            Require.envName("keys.pkcs11.pin-env", pinEnv);
        }

        /** Whether the token's label selects it (else its slot id). */
        public boolean byLabel() {
            return !tokenLabel.isEmpty();
        }

        /** How the token is selected, for messages: {@code token 'vaultgate'} or {@code slot 385663214}. */
        public String selection() {
            return (byLabel() ? "token '" + tokenLabel + "'" : "slot " + slot)
                    + (tokenSerial.isEmpty() ? "" : " serial '" + tokenSerial + "'");
        }

        private static boolean absolute(String path) {
            try {
                return Path.of(path).isAbsolute();
            } catch (java.nio.file.InvalidPathException e) {
                return false;
            }
        }

        public static Pkcs11 defaults() {
            return new Pkcs11("", "", -1, "", Path.of("secrets/pkcs11.pin"), "VAULTGATE_PKCS11_PIN");
        }

        /** What {@code keys.provider: pkcs11} needs: a module, and a token label or a slot. */
        void requireComplete() {
            if (library.isEmpty()) {
                throw new ConfigException("keys.pkcs11.library", "no PKCS#11 module given, but keys.provider is "
                        + "pkcs11", "give the absolute path of the HSM's PKCS#11 module, e.g. "
                        + "keys.pkcs11.library: /usr/lib/softhsm/libsofthsm2.so");
            }
            if (slot < 0 && tokenLabel.isEmpty()) {
                throw new ConfigException("keys.pkcs11.token-label", "no token given, but keys.provider is pkcs11",
                        "give the token's label as keys.pkcs11.token-label (or its slot id as keys.pkcs11.slot), e.g. "
                                + "from softhsm2-util --show-slots or pkcs11-tool --list-slots");
            }
        }
    }
}
