package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.s3.S3ObjectStore;
import io.vaultgate.core.storage.s3.S3Settings;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.S3ProxyServer;
import io.vaultgate.core.testing.TestCatalog;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A shred's purge sweeps the tenant's leftovers from S3, whose grace spares an object stored a moment ago (another
 * node between its store and its catalog commit). On a host whose clock runs two hours ahead, more than the grace
 * (1 h), that object must survive: the purge tells the store the core's time, and the grace is judged on the earlier
 * of the two clocks, as the start-up sweep's is. S3 stamps objects with its own time, here the JVM's.
 */
class TenantDataPurgeClockTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final Duration GRACE = Duration.ofHours(1);

    @TempDir
    Path home;
    private final S3ProxyServer server = S3ProxyServer.shared();
    private final String bucket = server.newBucket();
    private final S3Client client = server.client();
    private final MutableClock host = new MutableClock(Instant.now());
    private final S3ObjectStore store = new S3ObjectStore(client,
            new S3Settings(bucket, "", 5L * 1024 * 1024, 1024 * 1024, GRACE), host);
    private Database database;

    @BeforeEach
    void open() {
        database = TestCatalog.open(home);
    }

    @AfterEach
    void close() {
        database.close();
        store.close();
        client.close();
    }

    @Test
    void aHostClockAheadOfTheCore_doesNotPurgeAFreshObjectBeforeItsGrace() {
        ObjectId fresh = ObjectId.random(new SecureRandom());
        client.putObject(put -> put.bucket(bucket).key(store.key(ACME, fresh)), RequestBody.fromBytes(new byte[64]));
        host.advance(Duration.ofHours(2));
        MutableClock core = new MutableClock(Instant.now());
        TenantDataPurge purge = new TenantDataPurge(database, new FileRepository(), store, core);

        assertThat(purge.purge(ACME).objects()).as("one minute old on the core's time").isZero();
        assertThat(keys()).containsExactly(store.key(ACME, fresh));

        core.advance(Duration.ofHours(2));
        assertThat(purge.purge(ACME).objects()).as("past the grace on both clocks").isEqualTo(1);
        assertThat(keys()).isEmpty();
    }

    /** The tenant's stored objects (S3Proxy's filesystem backend also lists its directory). */
    private List<String> keys() {
        return client.listObjectsV2Paginator(list -> list.bucket(bucket)).contents().stream().map(S3Object::key)
                .filter(key -> key.startsWith(ACME.value() + "/") && !key.endsWith("/")).toList();
    }
}
