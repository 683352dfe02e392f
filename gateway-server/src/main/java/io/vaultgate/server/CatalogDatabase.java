package io.vaultgate.server;

import io.vaultgate.core.auth.SecretFile;
import io.vaultgate.core.catalog.CatalogException;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.server.config.CatalogConfig;
import io.vaultgate.server.config.CatalogType;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Opens the catalog the configuration names: the embedded SQLite file, or the PostgreSQL database every
 * node shares, with its password from the environment or a file (never from the configuration itself).
 * Either way pending migrations are applied. A catalog that cannot be opened stops start-up with one line.
 */
public final class CatalogDatabase {

    private CatalogDatabase() {
    }

    /**
     * The catalog of an initialized gateway, for admin commands that read it directly: a SQLite file must
     * already exist (it is never created here); a PostgreSQL catalog is opened as by {@link #open}.
     */
    public static Database openExisting(VaultgateConfig config, Map<String, String> env) {
        if (config.catalog().type() == CatalogType.SQLITE && !Files.exists(config.catalogFile())) {
            throw new StartupException("catalog " + config.catalogFile(), "there is no catalog here",
                    "give the gateway's data directory with --home, or run `vaultgate init` first");
        }
        return open(config, env);
    }

    static Database open(VaultgateConfig config, Map<String, String> env) {
        CatalogConfig catalog = config.catalog();
        if (catalog.type() == CatalogType.SQLITE) {
            return Database.sqlite(config.catalogFile());
        }
        char[] password = password(config, env);
        try {
            return Database.postgresql(catalog.url(), catalog.user(), password, catalog.poolSize());
        } catch (CatalogException e) {
            throw new StartupException("catalog.url " + catalog.url(), reason(e),
                    "check that PostgreSQL runs and is reachable, the database exists and is owned by "
                            + catalog.user() + ", and the password (docs/postgresql.md)", e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * {@code $passwordEnv} if set and non-empty, else the password file if it exists, else none. A file that group or
     * others may access is refused, like the S3 credentials file ({@link SecretFile}): its password may have been
     * read, or be replaced, by another user of the host.
     */
    private static char[] password(VaultgateConfig config, Map<String, String> env) {
        String variable = config.catalog().passwordEnv();
        String value = variable.isEmpty() ? null : env.get(variable);
        if (value != null && !value.isEmpty()) {
            return value.toCharArray();
        }
        Path file = config.catalogPasswordFile();
        if (!Files.exists(file)) {
            return new char[0];
        }
        byte[] bytes;
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (SecretFile.openToOthers(mode)) {
                throw new StartupException("catalog.password-file " + file, "group or others may read or write it ("
                        + PosixFilePermissions.toString(mode) + ")", "run chmod 600 on it, and change the role's "
                        + "password if others could read it");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StartupException("catalog.password-file " + file, "cannot be read (" + e.getClass()
                    .getSimpleName() + ")", "check the file's owner and mode (0600)", e);
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
            int end = chars.limit();
            while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
                end--;
            }
            char[] password = new char[end];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The innermost message: the server's own words ("password authentication failed for user ..."). */
    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? e.getMessage() : cause.getMessage();
    }
}
