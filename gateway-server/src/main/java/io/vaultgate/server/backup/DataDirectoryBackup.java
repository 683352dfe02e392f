package io.vaultgate.server.backup;

import io.vaultgate.core.admin.CatalogBackup;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.DemoSetup;
import io.vaultgate.server.RunFile;
import io.vaultgate.server.config.CatalogType;
import io.vaultgate.server.config.StorageType;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An online backup of an embedded deployment (SQLite catalog, file-system store under the data directory) into a
 * new directory: first a consistent copy of the catalog ({@link CatalogBackup}), then every other file of the data
 * directory (keystore, audit keys, SSH host keys, TLS material, objects), then a signed {@link BackupManifest}.
 * Credentials handed over to people and clients are left out ({@link #handedOver()}): a restore does not need them
 * and a thief could log in with them. The run directory ({@link RunFile}) is left out too: it describes the process
 * serving now, and a restored copy would name a process that is gone.
 *
 * <p>The order makes a restore consistent: objects committed after the catalog copy are orphans that the restored
 * gateway's start-up sweep deletes, and uploads that were streaming become resumable partials of their uploader
 * (their copied tail is checked like after a crash). The master secret is left out unless asked for: a backup that
 * holds it and the keystore decrypts everything, so it belongs apart (docs/operations.md, "Backup and restore").
 */
public final class DataDirectoryBackup {

    /** What a backup holds. */
    public record Result(int files, long bytes, boolean masterSecretIncluded) {
    }

    /** The data directory's folder of secrets handed over to people and services; only the master secret may be copied. */
    private static final String SECRETS = "secrets";

    private final VaultgateConfig config;
    private final Path home;

    public DataDirectoryBackup(VaultgateConfig config) {
        this.config = config;
        this.home = config.home().toAbsolutePath().normalize();
    }

    /** Refuses a deployment whose catalog or objects this command cannot copy consistently. */
    public void checkSupported() {
        if (config.catalog().type() != CatalogType.SQLITE) {
            throw new IllegalArgumentException("the catalog is on PostgreSQL: back it up with pg_dump or a base "
                    + "backup, then the object store (docs/postgresql.md, \"Backups and durability\")");
        }
        if (config.storage().type() != StorageType.FILESYSTEM) {
            throw new IllegalArgumentException("the objects are in S3: use the bucket's versioning or replication, "
                    + "and pg_dump for the catalog (docs/scale-out.md)");
        }
        for (Path inside : List.of(config.catalogFile(), config.storageRoot())) {
            if (!inside.toAbsolutePath().normalize().startsWith(home)) {
                throw new IllegalArgumentException(inside + " is outside the data directory " + home
                        + ": this command backs up one directory");
            }
        }
    }

    public Result write(Path target, boolean includeMasterSecret, CatalogBackup catalog, AuditSigningKey key,
                        String actor) throws IOException {
        checkSupported();
        Path backup = target.toAbsolutePath().normalize();
        if (backup.startsWith(home)) {
            throw new IllegalArgumentException(target + " is inside the data directory " + home
                    + ": give a directory elsewhere, ideally on another disk");
        }
        createEmpty(backup);
        Path catalogFile = config.catalogFile().toAbsolutePath().normalize();
        Path catalogCopy = backup.resolve(home.relativize(catalogFile));
        privateDirectories(catalogCopy.getParent());
        catalog.snapshot(catalogCopy, actor);
        Path masterSecret = config.masterSecretFile().toAbsolutePath().normalize();
        Set<Path> handedOver = handedOver();
        long[] bytes = {Files.size(catalogCopy)};
        Files.walkFileTree(home, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile()
                        && copied(file, catalogFile, masterSecret, includeMasterSecret, handedOver)) {
                    Path copy = backup.resolve(home.relativize(file));
                    privateDirectories(copy.getParent());
                    try {
                        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
                        bytes[0] += attributes.size();
                    } catch (NoSuchFileException gone) {
                        // deleted or moved since it was listed (a shredded file, a committed upload's pending
                        // object): the catalog copy does not need it, or names its new place
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        int files = BackupManifest.write(backup, key);
        return new Result(files, bytes[0], includeMasterSecret && Files.exists(masterSecret));
    }

    /**
     * The credential files a backup leaves out besides the master secret, wherever they are: the first
     * administrator's API token, the catalog password, PKCS#11 PIN and S3 credentials files, and the demo's client
     * private key and API token. Everything else in {@code secrets/} stays out too. The catalog holds only hashes of tokens and public
     * keys, so a restored gateway works without them; a new admin token comes from {@code vaultgate admin
     * rotate-token admin --token-file ...} (docs/admin-api.md).
     */
    private Set<Path> handedOver() {
        DataDirectory directory = new DataDirectory(config);
        Stream<Path> files = Stream.concat(Stream.of(directory.adminTokenFile(), config.catalogPasswordFile(),
                config.pkcs11PinFile(), config.resolve(config.storage().s3().credentialsFile())),
                DemoSetup.clientSecrets(directory).stream());
        return files.map(file -> file.toAbsolutePath().normalize()).collect(Collectors.toUnmodifiableSet());
    }

    private boolean copied(Path file, Path catalogFile, Path masterSecret, boolean includeMasterSecret,
                           Set<Path> handedOver) {
        String name = file.getFileName().toString();
        if (file.getParent().equals(catalogFile.getParent()) && name.startsWith(catalogFile.getFileName().toString())) {
            return false; // the live catalog and its WAL, shared-memory and journal files: copied consistently above
        }
        if (file.equals(masterSecret)) {
            return includeMasterSecret;
        }
        if (handedOver.contains(file) || file.startsWith(home.resolve(SECRETS))) {
            return false;
        }
        if (file.startsWith(home.resolve(RunFile.DIRECTORY))) {
            return false; // the running gateway's run file: true of this process only, so never restored
        }
        return !name.endsWith(".lock") && !name.startsWith(".write-probe");
    }

    private static void createEmpty(Path backup) throws IOException {
        if (Files.exists(backup)) {
            try (Stream<Path> entries = Files.list(backup)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(backup + " is not empty: a backup goes into a new directory");
                }
            }
            Files.setPosixFilePermissions(backup, PosixFilePermissions.fromString("rwx------"));
            return;
        }
        privateDirectories(backup);
    }

    private static void privateDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }
}
