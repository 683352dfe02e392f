package io.vaultgate.server.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The whole gateway configuration, built once at start-up by {@link ConfigLoader} and immutable after.
 * Paths in the sub-configurations are kept as written; {@link #resolve(Path)} and the helpers below turn
 * them into absolute paths under {@link #home()}.
 *
 * @param home  the data directory; made absolute when the record is built
 */
public record VaultgateConfig(Path home, SftpConfig sftp, HttpsConfig https, KeysConfig keys,
        CatalogConfig catalog, StorageConfig storage, UploadsConfig uploads, ShutdownConfig shutdown,
        LoggingConfig logging, OpsConfig ops, AccessConfig access) {

    public VaultgateConfig {
        home = Require.path("home", home).toAbsolutePath().normalize();
        Require.present("sftp", sftp);
        Require.present("https", https);
        Require.present("keys", keys);
        Require.present("catalog", catalog);
        Require.present("storage", storage);
        Require.present("uploads", uploads);
        Require.present("shutdown", shutdown);
        Require.present("logging", logging);
        Require.present("ops", ops);
        Require.present("access", access);
        if (!sftp.enabled() && !https.enabled()) {
            throw new ConfigException("https.enabled", "both sftp.enabled and https.enabled are false, so no"
                    + " client could connect", "enable at least one front-end");
        }
        if (sftp.enabled() && https.enabled() && sftp.port() != 0 && sftp.port() == https.port()) {
            throw new ConfigException("https.port", "port " + https.port() + " is also sftp.port",
                    "give the two front-ends different ports");
        }
        if (ops.enabled() && ops.port() != 0 && ((sftp.enabled() && ops.port() == sftp.port())
                || (https.enabled() && ops.port() == https.port()))) {
            throw new ConfigException("ops.port", "port " + ops.port() + " is also "
                    + (sftp.enabled() && ops.port() == sftp.port() ? "sftp.port" : "https.port"),
                    "give the ops listener a port of its own");
        }
    }

    /** The configuration without an {@code ops} section: the ops listener gets its defaults. */
    public VaultgateConfig(Path home, SftpConfig sftp, HttpsConfig https, KeysConfig keys, CatalogConfig catalog,
                           StorageConfig storage, UploadsConfig uploads, ShutdownConfig shutdown,
                           LoggingConfig logging) {
        this(home, sftp, https, keys, catalog, storage, uploads, shutdown, logging, OpsConfig.defaults());
    }

    /** The configuration without an {@code access} section: defender, MFA and banner get their defaults. */
    public VaultgateConfig(Path home, SftpConfig sftp, HttpsConfig https, KeysConfig keys, CatalogConfig catalog,
                           StorageConfig storage, UploadsConfig uploads, ShutdownConfig shutdown,
                           LoggingConfig logging, OpsConfig ops) {
        this(home, sftp, https, keys, catalog, storage, uploads, shutdown, logging, ops, AccessConfig.defaults());
    }

    /** Every default: what runs when no file, environment variable or override says otherwise. */
    public static VaultgateConfig defaults() {
        return new VaultgateConfig(Path.of("./var"), SftpConfig.defaults(), HttpsConfig.defaults(),
                KeysConfig.defaults(), CatalogConfig.defaults(), StorageConfig.defaults(),
                UploadsConfig.defaults(), ShutdownConfig.defaults(), LoggingConfig.defaults(), OpsConfig.defaults(),
                AccessConfig.defaults());
    }

    /** {@code path} if absolute, else {@code path} under home; always normalized. */
    public Path resolve(Path path) {
        return home.resolve(path).normalize();
    }

    public Path keystoreFile() {
        return resolve(keys.keystore());
    }

    public Path masterSecretFile() {
        return resolve(keys.masterSecretFile());
    }

    /** The file holding the PKCS#11 user PIN ({@code keys.pkcs11.pin-file}), resolved. */
    public Path pkcs11PinFile() {
        return resolve(keys.pkcs11().pinFile());
    }

    public Path catalogFile() {
        return resolve(catalog.path());
    }

    public Path catalogPasswordFile() {
        return resolve(catalog.passwordFile());
    }

    public Path storageRoot() {
        return resolve(storage.path());
    }

    /**
     * Where to read the master secret: the environment variable named by {@code keys.master-secret-env}
     * if it is set and non-empty in {@code env}, else {@code keys.master-secret-file} under home.
     */
    public MasterSecretSource masterSecretSource(Map<String, String> env) {
        String variable = keys.masterSecretEnv();
        if (!variable.isEmpty()) {
            String value = env.get(variable);
            if (value != null && !value.isEmpty()) {
                return new MasterSecretSource.Environment(variable);
            }
        }
        return new MasterSecretSource.File(masterSecretFile());
    }

    /** One line for the start-up log. The configuration holds no secret, so all of it may be shown. */
    public String describe() {
        return "home=" + home
                + "; sftp=" + listener(sftp.enabled(), sftp.bind(), sftp.port())
                + "; https=" + listener(https.enabled(), https.bind(), https.port())
                + " max-upload " + https.maxUploadSize()
                + "; keys=" + describeKeys()
                + "; catalog=" + catalog.describe(catalogFile())
                + "; storage=" + storage.describe(storageRoot())
                + "; uploads: partial-expiry " + Durations.format(uploads.partialExpiry())
                + ", reorder-window " + uploads.reorderWindow() + ", reorder-memory " + uploads.reorderMemory()
                + " (" + uploads.describePerTenant() + " per tenant)"
                + "; shutdown grace " + Durations.format(shutdown.gracePeriod())
                + "; logging=" + name(logging.format()) + " " + logging.level()
                + "; ops=" + listener(ops.enabled(), ops.bind(), ops.port()) + (ops.tls() ? " tls" : "")
                + " tenant-label-limit " + ops.tenantLabelLimit();
    }

    private String describeKeys() {
        if (keys.provider() == KeyProviderType.PKCS11) {
            String pinEnv = keys.pkcs11().pinEnv().isEmpty() ? "" : "$" + keys.pkcs11().pinEnv() + " or ";
            return "pkcs11 " + keys.pkcs11().library() + " " + keys.pkcs11().selection() + " (PIN from " + pinEnv
                    + pkcs11PinFile() + ")";
        }
        String secretEnv = keys.masterSecretEnv().isEmpty() ? "" : "$" + keys.masterSecretEnv() + " or ";
        return "keystore " + keystoreFile() + " (master secret from " + secretEnv + masterSecretFile() + ")";
    }

    private static String listener(boolean enabled, String bind, int port) {
        if (!enabled) {
            return "off";
        }
        String host = bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        return host + ":" + (port == 0 ? "(any free port)" : String.valueOf(port));
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT);
    }
}
