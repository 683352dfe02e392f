package io.vaultgate.server;

import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.storage.FileStoreMarker;
import io.vaultgate.core.storage.FileSystemObjectStore;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.StoreAdoption;
import io.vaultgate.core.storage.StoreIdentity;
import io.vaultgate.core.storage.StoreMarker;
import io.vaultgate.core.storage.StoreMarkerConflict;
import io.vaultgate.core.storage.StoreNotRecognized;
import io.vaultgate.core.storage.s3.S3Credentials;
import io.vaultgate.core.storage.s3.S3Endpoint;
import io.vaultgate.core.storage.s3.S3ObjectStore;
import io.vaultgate.core.storage.s3.S3Settings;
import io.vaultgate.server.config.CatalogType;
import io.vaultgate.server.config.StorageConfig;
import io.vaultgate.server.config.StorageType;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the object store the configuration names: a local directory, or an S3 bucket every node shares,
 * signed with credentials from the environment or a file (never from the configuration itself). An S3
 * bucket that cannot be reached stops start-up with one line, before any upload could fail on it; so does a store
 * that is not the one the catalog's objects were written to ({@link StoreIdentity}: checked here, before anything
 * reads or writes an object, recovery included, and for a directory before the store is opened, so that nothing is
 * created or written in a root that is not the catalog's store).
 */
public final class ObjectStores {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStores.class);

    private ObjectStores() {
    }

    /** The store, once its marker names the store id {@code database} records (recorded first on a new one). */
    static ObjectStore open(VaultgateConfig config, Map<String, String> env, Database database) throws IOException {
        StorageConfig storage = config.storage();
        if (storage.type() == StorageType.FILESYSTEM) {
            // checked before the store is opened: opening creates a missing root and probes it with a direct write
            FileStoreMarker marker = directoryMarker(config);
            checkIdentity(config, database, FileSystemObjectStore.committedObjects(marker), marker);
            return new FileSystemObjectStore(marker, storage.directIo());
        }
        S3ObjectStore store = connect(config, env);
        try {
            checkIdentity(config, database, StoreIdentity.objectsOf(store), store.marker());
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * {@code vaultgate store adopt}: records the configured store as the catalog's once it shows it holds the
     * catalog's objects and no node runs ({@link StoreAdoption}); nothing is opened beyond its marker and a few
     * objects. {@code clock} dates the catalog's row and the audit event: the catalog's time.
     */
    public static StoreAdoption.Adopted adopt(VaultgateConfig config, Map<String, String> env, Database database,
                                              AuditLog audit, Clock clock, String actor) throws IOException {
        NodeSettings judge = config.catalog().node(NodeSettings.ofProcess()); // a node alive as the nodes judge it
        if (config.storage().type() == StorageType.FILESYSTEM) {
            FileStoreMarker marker = directoryMarker(config);
            return new StoreAdoption(database, FileSystemObjectStore.committedObjects(marker), marker, audit,
                    clock, judge).adopt(actor);
        }
        try (S3ObjectStore store = connect(config, env)) {
            return new StoreAdoption(database, StoreIdentity.objectsOf(store), store.marker(), audit, clock, judge)
                    .adopt(actor);
        }
    }

    /**
     * The marker of the directory {@code storage.path} names: the start's check, the store it opens and {@code store
     * adopt} all take the root from it (the objects the check asks for are under it).
     */
    private static FileStoreMarker directoryMarker(VaultgateConfig config) {
        return new FileStoreMarker(config.storageRoot());
    }

    /** The S3 store, once its bucket answers. */
    private static S3ObjectStore connect(VaultgateConfig config, Map<String, String> env) {
        StorageConfig.S3 s3 = config.storage().s3();
        S3ObjectStore store = S3ObjectStore.connect(
                new S3Endpoint(s3.endpoint().isEmpty() ? Optional.empty() : Optional.of(URI.create(s3.endpoint())),
                        s3.region(), s3.pathStyle()),
                credentials(config, env),
                new S3Settings(s3.bucket(), s3.keyPrefix(), s3.partSize().bytes(), s3.partSize().bytes(),
                        s3.orphanGrace()),
                Clock.systemUTC());
        try {
            store.checkAccess();
        } catch (IOException e) {
            store.close();
            throw new StartupException("storage.s3.bucket " + s3.bucket(), e.getMessage(),
                    "check storage.s3.endpoint, region and path-style, that the bucket exists, and that the"
                            + " credentials may read and write it (docs/scale-out.md)", e);
        }
        return store;
    }

    /** Refuses, with one start-up line, a store that is not the catalog's; logs a store id recorded or adopted. */
    private static void checkIdentity(VaultgateConfig config, Database database, StoreIdentity.Objects objects,
                                      StoreMarker marker) throws IOException {
        StoreIdentity.Result result;
        try {
            result = new StoreIdentity(database, objects, marker).check();
        } catch (StoreNotRecognized e) {
            throw new StartupException(resource(config), e.problem(), fix(config, e), e);
        } catch (IOException e) { // the marker or the catalog's objects not readable (review25a L7)
            throw new StartupException(resource(config), "the store's marker at " + marker.location()
                    + " could not be read or written: " + e.getMessage(), markerFix(e), e);
        }
        switch (result.outcome()) {
            case RECORDED -> LOG.info("storage: store id {} recorded in the catalog and written to {}", result.id(),
                    marker.location());
            case ADOPTED -> LOG.info("storage: store id {} of {} recorded in the catalog (the store holds the "
                    + "catalog's objects)", result.id(), marker.location());
            default -> LOG.debug("storage: store id {} verified at {}", result.id(), marker.location());
        }
    }

    /** What to do about a marker that could not be read or written: by the store's conflict, if it was one. */
    static String markerFix(IOException failure) {
        return StoreMarkerConflict.in(failure).map(conflict -> switch (conflict.reason()) {
            case WRITE_IN_PROGRESS -> "start again; if it recurs, check that no other installation uses this bucket "
                    + "and prefix (storage.s3.bucket, storage.s3.key-prefix)";
            case REFUSED -> "the store refused the write with " + conflict.errorCode() + ", which is not another "
                    + "write or operation on the marker in progress: look up that error in the store's documentation, "
                    + "fix its cause and start again";
        }).orElse("check that the gateway may read and write the store (a directory: its owner and mode; S3: the "
                + "credentials, bucket and endpoint)");
    }

    private static String resource(VaultgateConfig config) {
        return config.storage().type() == StorageType.FILESYSTEM ? "storage.path " + config.storageRoot()
                : "storage.s3.bucket " + config.storage().s3().bucket();
    }

    /** The exception's fix, and for a node of a shared catalog with a directory of its own, what that means. */
    private static String fix(VaultgateConfig config, StoreNotRecognized e) {
        if (e.reason() == StoreNotRecognized.Reason.MARKER_MISSING && config.catalog().type() == CatalogType.POSTGRESQL
                && config.storage().type() == StorageType.FILESYSTEM) {
            return e.fix() + "; if another node serves this catalog with a directory of its own, give every node the "
                    + "same S3 bucket (storage.type: s3, docs/scale-out.md)";
        }
        return e.fix();
    }

    /** {@code $AWS_ACCESS_KEY_ID} and {@code $AWS_SECRET_ACCESS_KEY} if both are set, else the credentials file. */
    private static S3Credentials credentials(VaultgateConfig config, Map<String, String> env) {
        Optional<S3Credentials> fromEnv = S3Credentials.fromEnvironment(env);
        if (fromEnv.isPresent()) {
            return fromEnv.get();
        }
        Path file = config.resolve(config.storage().s3().credentialsFile());
        try {
            return S3Credentials.fromFile(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupException("storage.s3.credentials-file " + file, e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage(),
                    "set $" + S3Credentials.ACCESS_KEY_ENV + " and $" + S3Credentials.SECRET_KEY_ENV
                            + ", or write the file with access-key-id= and secret-access-key= lines, mode 0600", e);
        }
    }
}
