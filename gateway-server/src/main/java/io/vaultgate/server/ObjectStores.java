package io.vaultgate.server;

import io.vaultgate.core.storage.FileSystemObjectStore;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.s3.S3Credentials;
import io.vaultgate.core.storage.s3.S3Endpoint;
import io.vaultgate.core.storage.s3.S3ObjectStore;
import io.vaultgate.core.storage.s3.S3Settings;
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
 * bucket that cannot be reached stops start-up with one line, before any upload could fail on it.
 */
final class ObjectStores {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStores.class);

    private ObjectStores() {
    }

    static ObjectStore open(VaultgateConfig config, Map<String, String> env) throws IOException {
        StorageConfig storage = config.storage();
        if (storage.type() == StorageType.FILESYSTEM) {
            FileSystemObjectStore store = new FileSystemObjectStore(config.storageRoot(), storage.directIo());
            if (storage.directIo() && !store.writesDirectly()) {
                LOG.info("storage.direct-io: the file system of {} refuses direct I/O; objects are written through"
                        + " the page cache", config.storageRoot());
            }
            return store;
        }
        StorageConfig.S3 s3 = storage.s3();
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
