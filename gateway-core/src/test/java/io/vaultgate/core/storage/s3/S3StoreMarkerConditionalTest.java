package io.vaultgate.core.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.storage.DelegatingMarker;
import io.vaultgate.core.storage.StoreId;
import io.vaultgate.core.storage.StoreIdentity;
import io.vaultgate.core.storage.StoreMarker;
import io.vaultgate.core.storage.StoreMarkerConflict;
import io.vaultgate.core.storage.StoreNotRecognized;
import io.vaultgate.core.testing.TestCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * review26a L4: the S3 store marker's conditional write ({@code If-None-Match: *}), against a server that honours it
 * as S3 does ({@link ConditionalWritesS3}: S3Proxy ignores the header on PUT): a marker there is never replaced (412),
 * and a write while another is in progress (409 ConditionalRequestConflict) waits for that one to end instead of
 * reporting a marker that is not there yet. The catalogs are the run's ({@link TestCatalog}: SQLite, or PostgreSQL).
 */
class S3StoreMarkerConditionalTest {

    @TempDir
    Path dir;

    private ConditionalWritesS3 server;
    private S3Client client;
    private String bucket;
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @BeforeEach
    void start() throws Exception {
        server = new ConditionalWritesS3(dir.resolve("s3"));
        client = server.client();
        bucket = server.newBucket("conditional-marker");
    }

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        client.close();
        server.close();
    }

    private S3StoreMarker marker() {
        return new S3StoreMarker(new S3Target(client, bucket, StoreMarker.NAME));
    }

    /** A marker that gives up on a write answered 409 after {@code conflictWait}, not the 10 s of the stores'. */
    private S3StoreMarker marker(Duration conflictWait) {
        return new S3StoreMarker(new S3Target(client, bucket, StoreMarker.NAME), conflictWait);
    }

    @Test
    void aSecondConditionalWrite_isRefused_andTheFirstMarkerStays() throws IOException {
        StoreId first = StoreId.random();
        assertThat(marker().write(first)).isTrue();

        assertThat(marker().write(StoreId.random())).as("a marker there: 412, not replaced").isFalse();
        assertThat(server.preconditionsFailed()).isEqualTo(1);
        assertThat(marker().read()).contains(first);
    }

    /**
     * Two installations (two catalogs) configured on one new bucket start at once: both find no marker, each records
     * an id of its own, and the second one's marker write comes after the first's. It is refused (412), so the second
     * start stops on the first's marker instead of overwriting it (which left the first installation's store taken).
     */
    @Test
    void twoInstallationsStartingOnOneNewBucket_theSecondMarkerIsRefused_andTheFirstStays() throws Exception {
        try (Database first = TestCatalog.open(dir.resolve("first")); Database second =
                TestCatalog.open(dir.resolve("second"))) {
            CountDownLatch secondWriting = new CountDownLatch(1);
            CountDownLatch firstDone = new CountDownLatch(1);
            StoreMarker slowed = new DelegatingMarker(marker()) {
                @Override
                public boolean write(StoreId id) throws IOException {
                    secondWriting.countDown();
                    await(firstDone);
                    return super.write(id);
                }
            };
            Future<StoreIdentity.Result> secondStart = threads.submit(() ->
                    new StoreIdentity(second, (tenant, id) -> false, slowed).check());
            assertThat(secondWriting.await(30, TimeUnit.SECONDS)).isTrue();

            StoreIdentity.Result firstStart = new StoreIdentity(first, (tenant, id) -> false, marker()).check();
            firstDone.countDown();

            assertThat(firstStart.outcome()).isEqualTo(StoreIdentity.Outcome.RECORDED);
            assertThatThrownBy(() -> secondStart.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(
                    StoreNotRecognized.class).satisfies(e -> {
                        StoreNotRecognized refusal = (StoreNotRecognized) e.getCause();
                        assertThat(refusal.reason()).isEqualTo(StoreNotRecognized.Reason.DIFFERENT_STORE);
                        assertThat(refusal.getMessage()).contains(firstStart.id().value());
                    });
            assertThat(marker().read()).contains(firstStart.id());
            assertThat(new StoreIdentity(first, (tenant, id) -> false, marker()).check()).isEqualTo(
                    new StoreIdentity.Result(firstStart.id(), StoreIdentity.Outcome.VERIFIED));
        }
    }

    /**
     * A write while another write of the marker is in progress is answered 409: the marker is not there yet. The
     * write is tried again until the other one has ended, then reports the marker there (the caller reads it); it
     * reported one at once, so the caller read none and refused the store as having no marker.
     */
    @Test
    void aWriteWhileAnotherIsInProgress_triesAgainUntilItEnds_andReportsItsMarker() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        server.holdWrites(release, held);
        StoreId other = StoreId.random();
        Future<Boolean> otherWrite = threads.submit(() -> marker().write(other));
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        threads.submit(() -> { // the other write ends a moment after this one met it
            while (server.conflicts() == 0) {
                Thread.sleep(20);
            }
            Thread.sleep(600); // three of the write's pauses
            release.countDown();
            return null;
        });

        boolean written = marker().write(StoreId.random());

        assertThat(server.conflicts()).as("answered 409 while the other was in progress").isPositive();
        assertThat(written).isFalse();
        assertThat(marker().read()).as("the other write's marker, there when this write returned").contains(other);
        assertThat(otherWrite.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWriteWhoseConflictDoesNotEnd_failsNamingIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        server.holdWrites(release, held);
        threads.submit(() -> marker().write(StoreId.random()));
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        try {
            assertThatThrownBy(() -> marker(Duration.ofSeconds(1)).write(StoreId.random()))
                    .isInstanceOf(StoreMarkerConflict.class)
                    .hasMessageContaining("409 ConditionalRequestConflict for 1 s")
                    .hasMessageContaining("s3://" + bucket + "/" + StoreMarker.NAME)
                    .satisfies(e -> assertThat(((StoreMarkerConflict) e).reason())
                            .isEqualTo(StoreMarkerConflict.Reason.WRITE_IN_PROGRESS));
        } finally {
            release.countDown();
        }
    }

    /**
     * review27 #5: a 409 that is neither {@code ConditionalRequestConflict} nor {@code OperationAborted} (here {@code
     * InvalidBucketState}) is not another write or operation in progress: it fails at once, with a typed cause naming
     * its code (it was tried again for 10 s, then reported as another installation writing the marker), and a start
     * stops on it with that cause.
     */
    @Test
    void anotherConflict_isNotTriedAgain_andFailsNamingItsCode() throws Exception {
        server.refuseConditionalWrites("InvalidBucketState");

        assertThatThrownBy(() -> marker(Duration.ofSeconds(5)).write(StoreId.random()))
                .isInstanceOf(StoreMarkerConflict.class)
                .hasMessageContaining("409 InvalidBucketState")
                .hasMessageContaining("s3://" + bucket + "/" + StoreMarker.NAME)
                .hasMessageNotContaining("another node or installation")
                .satisfies(e -> {
                    StoreMarkerConflict conflict = (StoreMarkerConflict) e;
                    assertThat(conflict.reason()).isEqualTo(StoreMarkerConflict.Reason.REFUSED);
                    assertThat(conflict.errorCode()).isEqualTo("InvalidBucketState");
                });
        assertThat(server.refused()).as("one PUT, not tried again").isEqualTo(1);

        try (Database catalog = TestCatalog.open(dir.resolve("catalog"))) {
            assertThatThrownBy(() -> new StoreIdentity(catalog, (tenant, id) -> false, marker()).check())
                    .satisfies(e -> assertThat(StoreMarkerConflict.in(e)).as("the start's typed cause")
                            .hasValueSatisfying(conflict -> assertThat(conflict.errorCode())
                                    .isEqualTo("InvalidBucketState")));
        }
        assertThat(marker().read()).as("no marker written").isEmpty();
    }

    /**
     * review28b M1: S3's {@code 409 OperationAborted} ("a conflicting conditional operation is currently in progress
     * against this resource; try again") is tried again as a write in progress is, and fails naming it only when it
     * does not end within the wait.
     */
    @Test
    void operationAborted_isTriedAgain_asAWriteInProgressIs() throws Exception {
        server.refuseConditionalWrites("OperationAborted");

        assertThatThrownBy(() -> marker(Duration.ofSeconds(1)).write(StoreId.random()))
                .isInstanceOf(StoreMarkerConflict.class)
                .hasMessageContaining("409 OperationAborted for 1 s")
                .hasMessageContaining("another operation on it is in progress")
                .satisfies(e -> assertThat(((StoreMarkerConflict) e).reason())
                        .isEqualTo(StoreMarkerConflict.Reason.WRITE_IN_PROGRESS));
        assertThat(server.refused()).as("tried again").isGreaterThan(1);
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IOException("not released within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
