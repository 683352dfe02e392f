package io.vaultgate.server;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.pkcs11.TokenNotSelected;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
import io.vaultgate.crypto.pkcs11.Pkcs11Config;
import io.vaultgate.crypto.pkcs11.Pkcs11KeyProvider;
import io.vaultgate.crypto.pkcs11.TokenSlots;
import io.vaultgate.server.config.KeyProviderType;
import io.vaultgate.server.config.KeysConfig;
import io.vaultgate.server.config.MasterSecretSource;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Opens the key provider {@code keys.provider} names: the PKCS#12 keystore with the master secret, or the PKCS#11
 * token logged in with its user PIN. Tenant KEKs and the gateway's own ({@code vaultgate.mfa}) all live in it. A
 * provider that cannot be opened stops start-up with one line naming the key, the cause and the fix; neither the
 * master secret nor the PIN is ever in it.
 */
public final class KeyProviders {

    /** The name of the JCA provider instance, as it shows in the JDK's messages ({@code SunPKCS11-vaultgate}). */
    static final String PKCS11_NAME = "vaultgate";

    private KeyProviders() {
    }

    /** The configured provider, open; the caller closes it. */
    public static KeyProvider open(VaultgateConfig config, Map<String, String> env) {
        return config.keys().provider() == KeyProviderType.PKCS11 ? openToken(config, env)
                : openKeystore(config, env);
    }

    static KeystoreKeyProvider openKeystore(VaultgateConfig config, Map<String, String> env) {
        MasterSecret secret = masterSecret(config, env);
        try {
            return KeystoreKeyProvider.open(config.keystoreFile(), secret);
        } catch (CryptoException e) {
            throw new StartupException("keys.keystore " + config.keystoreFile(), e.getMessage(),
                    "check the master secret and the keystore file's owner and mode (0600)", e);
        } finally {
            secret.destroy();
        }
    }

    /**
     * Loads the PKCS#11 module, selects the token by {@code keys.pkcs11.token-label} or {@code keys.pkcs11.slot},
     * checks it is the configured one (its label, and {@code keys.pkcs11.token-serial} when set) and logs in. A
     * missing module, an unknown slot, a wrong PIN are told apart by the token's return code ({@code
     * CKR_PIN_INCORRECT}, ...). The provider reads the PIN again if it must log in again (the token lost the session).
     */
    public static Pkcs11KeyProvider openToken(VaultgateConfig config, Map<String, String> env) {
        KeysConfig.Pkcs11 token = config.keys().pkcs11();
        Path library = Path.of(token.library());
        if (!Files.isRegularFile(library)) {
            throw new StartupException("keys.pkcs11.library " + library, Files.exists(library) ? "not a file"
                    : "no such file", "install the HSM's PKCS#11 module or correct the path (SoftHSM2: "
                    + "/usr/lib/softhsm/libsofthsm2.so)");
        }
        try {
            return Pkcs11KeyProvider.open(new Pkcs11Config(PKCS11_NAME, library, token.slot(), token.tokenLabel(),
                    token.tokenSerial()), () -> Pkcs11Pin.read(config, env));
        } catch (CryptoException e) {
            Optional<String> code = Pkcs11KeyProvider.returnCode(e);
            throw new StartupException("keys.pkcs11 (module " + library + ", " + token.selection() + ")",
                    e.getMessage() + code.map(c -> " (" + c + ")").orElse(""), fix(code.orElse(""), config, e), e);
        }
    }

    /**
     * What to do about a token that refused: by its return code, by the token selection's failure ({@link
     * TokenNotSelected}), else everything that may be wrong.
     */
    static String fix(String code, VaultgateConfig config, CryptoException failure) {
        KeysConfig.Pkcs11 token = config.keys().pkcs11();
        String pinPlace = (token.pinEnv().isEmpty() ? "" : "$" + token.pinEnv() + " or ") + config.pkcs11PinFile();
        switch (code) {
            case "CKR_PIN_INCORRECT":
            case "CKR_PIN_LEN_RANGE":
            case "CKR_PIN_INVALID":
                return "the token refused the user PIN: correct it in " + pinPlace;
            case "CKR_PIN_LOCKED":
            case "CKR_PIN_EXPIRED":
                return "the token's user PIN is locked or expired: have the security officer reset it";
            case "CKR_SLOT_ID_INVALID":
            case "CKR_TOKEN_NOT_PRESENT":
            case "CKR_TOKEN_NOT_RECOGNIZED":
                return "no token in that slot: give keys.pkcs11.slot as the module lists it (softhsm2-util "
                        + "--show-slots, pkcs11-tool --module " + token.library() + " --list-slots)";
            case "CKR_USER_PIN_NOT_INITIALIZED":
                return "the token has no user PIN yet: initialize it (softhsm2-util --init-token, or the HSM's tool)";
            default:
                if (String.valueOf(failure.getMessage()).contains(TokenSlots.EXPORT_OPTION)) {
                    return "start the gateway with java -jar vaultgate.jar (its manifest adds the option), or add "
                            + TokenSlots.EXPORT_OPTION + " to VAULTGATE_JAVA_OPTS";
                }
                if (TokenNotSelected.in(failure).isPresent()) {
                    return "select the token the gateway has always used: keys.pkcs11.token-label (and "
                            + "keys.pkcs11.token-serial) as the module lists them (softhsm2-util --show-slots, "
                            + "pkcs11-tool --module " + token.library() + " --list-token-slots); a token re-initialised "
                            + "or made anew holds none of the gateway's keys";
                }
                return "check that keys.pkcs11.library is the HSM's PKCS#11 module, that keys.pkcs11.slot holds an "
                        + "initialized token, and the user PIN in " + pinPlace;
        }
    }

    /** Reads the master secret from the environment variable or the file the configuration names. */
    static MasterSecret masterSecret(VaultgateConfig config, Map<String, String> env) {
        MasterSecretSource source = config.masterSecretSource(env);
        try {
            if (source instanceof MasterSecretSource.Environment variable) {
                return MasterSecret.fromBytes(env.get(variable.variable()).getBytes(StandardCharsets.UTF_8));
            }
            return MasterSecret.fromFile(((MasterSecretSource.File) source).path());
        } catch (CryptoException | IllegalArgumentException e) {
            throw new StartupException("keys.master-secret-file (" + source.describe() + ")", e.getMessage(),
                    "provide a master secret of 16 to 4096 bytes, in a file only its owner may read", e);
        }
    }
}
