package io.vaultgate.core.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.storage.DelegatingMarker;
import io.vaultgate.core.storage.FileSystemObjectStore;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.StoreAdoption;
import io.vaultgate.core.storage.StoreId;
import io.vaultgate.core.storage.StoreIdentity;
import io.vaultgate.core.storage.StoreMarker;
import io.vaultgate.core.storage.StoreMarkerTimeout;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * review28b L3: {@code vaultgate store adopt} holds the catalog's lock on the store's row (on SQLite, the catalog's
 * write lock) while it writes the S3 marker and reads it back. Against an endpoint that accepts connections and never
 * answers ({@link BlackHole}), those requests waited for the HTTP client's socket timeouts, once per retry (30 s
 * each), holding the lock all along. Now each marker request is bounded as a whole ({@link S3StoreMarker#CALL_TIMEOUT};
 * here 1 s) and fails with {@link StoreMarkerTimeout}; the adoption's transaction rolls back at once. The catalog and
 * store are the run's (SQLite and a directory, or PostgreSQL and S3).
 */
class S3StoreMarkerTimeoutTest {

    /** The call timeout these markers are given: the stores' is 15 s. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Far less than one unanswered request took before (the client's 30 s socket timeout), with room for load. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path home;

    private BlackHole blackHole;
    private S3Client client;

    @BeforeEach
    void start() throws IOException {
        blackHole = new BlackHole();
        client = S3ObjectStore.clientBuilder(new S3Endpoint(Optional.of(blackHole.endpoint()), "us-east-1", true),
                S3Credentials.of("AKIDEXAMPLE", "secret-not-checked-by-a-black-hole")).build();
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        blackHole.close();
    }

    private S3StoreMarker unanswered() {
        return new S3StoreMarker(new S3Target(client, "black-hole", StoreMarker.NAME), S3StoreMarker.CONFLICT_WAIT,
                TIMEOUT);
    }

    @Test
    void aMarkerReadOrWriteThatIsNeverAnswered_failsWithinItsCallTimeout_namingTheRequest() {
        for (String operation : new String[] {"GET", "PUT"}) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                if (operation.equals("GET")) {
                    unanswered().read();
                } else {
                    unanswered().write(StoreId.random());
                }
            }).isInstanceOfSatisfying(StoreMarkerTimeout.class, e -> {
                assertThat(e.operation()).isEqualTo(operation);
                assertThat(e.timeout()).isEqualTo(TIMEOUT);
                assertThat(e.getMessage()).isEqualTo("the store did not answer the " + operation + " of its marker "
                        + "at s3://black-hole/.vaultgate-store within 1000 ms (is the endpoint reachable, and "
                        + "answering?)");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(operation).isLessThan(BOUND);
        }
        assertThat(blackHole.accepted()).as("the requests reached the black hole").isPositive();
        assertThat(Thread.currentThread().isInterrupted()).as("the caller's thread is not left interrupted").isFalse();
    }

    /**
     * The adoption's marker write is never answered: it fails within the timeout, records and audits nothing, and
     * leaves the catalog unlocked: the adoption run again against a store that answers goes through.
     */
    @Test
    void adopt_whoseMarkerWriteIsNeverAnswered_failsWithinTheTimeout_recordsNothing_andReleasesTheLock()
            throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            ClientPrincipal alice = gateway.client("acme", "alice", Protocol.SFTP);
            gateway.upload(alice, "/inbox/a.txt", "a");
            gateway.upload(alice, "/inbox/b.txt", "b");
            StoreMarker real = markerOf(gateway.store());
            StoreMarker hanging = new DelegatingMarker(real) { // the store answers reads, until the write in the lock
                @Override
                public boolean write(StoreId id) throws IOException {
                    return unanswered().write(id);
                }
            };

            long start = System.nanoTime();
            assertThatThrownBy(() -> adoption(gateway, hanging).adopt("cli:test"))
                    .isInstanceOfSatisfying(StoreMarkerTimeout.class, e -> assertThat(e.operation()).isEqualTo("PUT"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            Optional<String> recorded = gateway.database().read(jdbc -> jdbc.queryOne("SELECT store_id FROM "
                    + "store_identity", row -> row.getString(1)));
            assertThat(recorded).as("nothing recorded").isEmpty();
            assertThat(adoptionsAudited(gateway)).as("nothing audited").isZero();
            assertThat(real.read()).as("no marker written").isEmpty();

            StoreAdoption.Adopted adopted = adoption(gateway, real).adopt("cli:test"); // the lock was released
            assertThat(adopted.markerWritten()).isTrue();
            assertThat(adoptionsAudited(gateway)).isEqualTo(1);
        }
    }

    private static StoreAdoption adoption(TestCore gateway, StoreMarker marker) {
        return new StoreAdoption(gateway.database(), StoreIdentity.objectsOf(gateway.store()), marker,
                gateway.core().audit(), Clock.systemUTC(), NodeSettings.of("admin"));
    }

    private static long adoptionsAudited(TestCore gateway) {
        return gateway.database().read(jdbc -> jdbc.queryOne("SELECT COUNT(*) FROM audit_events WHERE kind = "
                + "'admin.change' AND event LIKE ?", row -> row.getLong(1), "%STORE_ADOPTED%")).orElseThrow();
    }

    private static StoreMarker markerOf(ObjectStore store) {
        return store instanceof FileSystemObjectStore directory ? directory.marker()
                : ((S3ObjectStore) store).marker();
    }
}
