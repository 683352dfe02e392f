package io.vaultgate.core.storage.s3;

import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.S3ProxyServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link S3ObjectStore} on its own bucket of the JVM's shared S3Proxy, with a recording client and a
 * clock the test moves. Parts are the S3 minimum (5 MiB rounded to segments) unless told otherwise.
 */
final class S3StoreFixture implements AutoCloseable {

    static final Duration GRACE = Duration.ofHours(1);

    final S3ProxyServer server = S3ProxyServer.shared();
    final String bucket = server.newBucket();
    final S3Requests requests = new S3Requests();
    final MutableClock clock = new MutableClock(Instant.now());
    final S3Client client = server.client(b -> b.overrideConfiguration(c -> c.addExecutionInterceptor(requests)));
    final S3ObjectStore store;

    S3StoreFixture() {
        this(5L * 1024 * 1024);
    }

    S3StoreFixture(long partBytes) {
        store = new S3ObjectStore(client, new S3Settings(bucket, "", partBytes, 1024 * 1024, GRACE), clock);
    }

    /** The keys of stored objects, without the filesystem backend's bookkeeping (directories, upload stubs). */
    List<String> keys() {
        return client.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key)
                .filter(k -> !k.startsWith(".mpus-") && !k.matches("[0-9a-f-]{36}") && !k.endsWith("/"))
                .toList();
    }

    List<MultipartUpload> openUploads() {
        return client.listMultipartUploadsPaginator(r -> r.bucket(bucket)).uploads().stream().toList();
    }

    @Override
    public void close() {
        store.close();
    }
}
