package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * review25a L1, review26a M1/M2: starts that crash between recording the store's id and confirming it, and starts
 * of several nodes at once: an id another start recorded is waited for (on the catalog's clock) and taken over only
 * once stale, and exactly one store ends up marked and recorded.
 */
class StoreIdentityRaceTest extends StoreIdentityFixture {

    /**
     * Crash after the catalog recorded the id, before the marker was written (longer ago than the grace period): the
     * next start takes the row over with an id of its own and writes that (review25a L1: a row's id is marked only by
     * the start that recorded it).
     */
    @Test
    void crashAfterRecording_beforeTheMarker_theNextStartTakesTheRowOverAndWritesItsOwnId() throws IOException {
        try (Database catalog = TestCatalog.open(home)) {
            StoreId stale = StoreId.random();
            recordUnconfirmed(catalog, stale);
            ObjectStore store = TestStore.open(home, clock);

            StoreIdentity.Result result = check(catalog, store);
            assertThat(result.outcome()).isEqualTo(StoreIdentity.Outcome.RECORDED);
            assertThat(result.id()).isNotEqualTo(stale);
            assertThat(marker(store).read()).contains(result.id());
            assertThat(recorded(catalog)).isEqualTo(result.id() + " confirmed");
        }
    }

    /**
     * review25a L1: an unconfirmed id another start recorded a moment ago is not marked on its word: the start waits
     * for it to be confirmed, and takes it over (a new id) only once it is older than the grace period.
     */
    @Test
    void anIdAnotherStartRecordedJustNow_isWaitedFor_andTakenOverOnlyOnceStale() throws IOException {
        try (Database catalog = TestCatalog.open(home)) {
            StoreId theirs = StoreId.random();
            long recordedAt = System.currentTimeMillis();
            catalog.inTransaction(jdbc -> jdbc.update(
                    "INSERT INTO store_identity (id, store_id, recorded_at) VALUES (1, ?, ?)", theirs.value(),
                    recordedAt));
            ObjectStore store = TestStore.open(home, clock);
            Duration grace = Duration.ofMillis(600);
            AtomicInteger pauses = new AtomicInteger();

            StoreIdentity.Result result = new StoreIdentity(catalog, StoreIdentity.objectsOf(store), marker(store),
                    grace, duration -> {
                        pauses.incrementAndGet();
                        Thread.sleep(duration.toMillis());
                    }).check();

            assertThat(System.currentTimeMillis() - recordedAt).as("waited out the grace period")
                    .isGreaterThanOrEqualTo(grace.toMillis());
            assertThat(pauses.get()).isPositive();
            assertThat(result.id()).isNotEqualTo(theirs);
            assertThat(marker(store).read()).contains(result.id());
            assertThat(recorded(catalog)).isEqualTo(result.id() + " confirmed");
        }
    }

    /**
     * review26a M2: two nodes of one catalog and one shared store start a new installation at once, node B's clock a
     * minute ahead of node A's. The age of A's fresh id is read on the catalog's clock, so B waits for it instead of
     * taking it over (which, with A's marker landing first, refused both nodes and every start after them). A start
     * now reads no clock of its own at all (the row's times are the catalog's, confirmed_at included), so B's skew
     * has nothing to act on; the race of the two first starts is what this still checks.
     */
    @Test
    void twoFirstStartsOnOneStore_oneClockAMinuteAhead_oneIdIsRecorded_andALaterStartVerifiesIt() throws Exception {
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore storeA = TestStore.open(home, clock);
            ObjectStore storeB = TestStore.open(home, clock); // the same store, as node B sees it
            CountDownLatch aWriting = new CountDownLatch(1);
            CountDownLatch bWriting = new CountDownLatch(1);
            StoreMarker markerA = new DelegatingMarker(marker(storeA)) {
                @Override
                public boolean write(StoreId id) throws IOException {
                    aWriting.countDown();
                    awaitBriefly(bWriting); // B, if it took A's id over, writes its own meanwhile
                    return super.write(id);
                }
            };
            StoreMarker markerB = new DelegatingMarker(marker(storeB)) {
                @Override
                public boolean write(StoreId id) throws IOException {
                    bWriting.countDown();
                    return super.write(id);
                }
            };
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                Future<StoreIdentity.Result> a = threads.submit(() ->
                        new StoreIdentity(catalog, storeA, markerA).check());
                assertThat(aWriting.await(30, TimeUnit.SECONDS)).isTrue();
                Future<StoreIdentity.Result> b = threads.submit(() ->
                        new StoreIdentity(catalog, storeB, markerB).check());
                StoreId recordedByA = a.get(60, TimeUnit.SECONDS).id();
                assertThat(b.get(60, TimeUnit.SECONDS).id()).as("B starts on A's id").isEqualTo(recordedByA);
            } finally {
                threads.shutdownNow();
            }
            assertThat(new StoreIdentity(catalog, storeA, marker(storeA)).check().outcome())
                    .isEqualTo(StoreIdentity.Outcome.VERIFIED);
        }
    }

    /**
     * review26a M1: a start that waited out one unconfirmed id (its start crashed) and lost its take-over to another
     * start waits for the id that replaced it as long again, rather than taking that fresh id over at once.
     */
    @Test
    void aStartThatWaitedOutOneId_waitsAsLongForTheIdThatReplacedIt() throws Exception {
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore store = TestStore.open(home, clock);
            StoreId crashed = StoreId.random();
            StoreId othersTakeOver = StoreId.random();
            long started = System.nanoTime();
            catalog.inTransaction(jdbc -> jdbc.update("INSERT INTO store_identity (id, store_id, recorded_at) "
                    + "VALUES (1, ?, ?)", crashed.value(), System.currentTimeMillis()));
            Duration grace = Duration.ofMillis(1000);
            long[] othersTookOverAt = {0};
            long[] tookOverAt = {0};
            StoreMarker watched = new DelegatingMarker(marker(store)) {
                @Override
                public Optional<StoreId> read() throws IOException {
                    if (System.nanoTime() - started >= grace.toNanos() / 2 && othersTookOverAt[0] == 0) {
                        // another start, which has waited longer, takes the crashed start's id over while this one
                        // waits for it (before the fix this one then took the fresh id over at its first wait's end)
                        boolean taken = catalog.inTransaction(jdbc -> new StoreIdentityRecords().takeOver(jdbc,
                                crashed, othersTakeOver));
                        assertThat(taken).isTrue();
                        othersTookOverAt[0] = System.nanoTime();
                    }
                    return super.read();
                }

                @Override
                public boolean write(StoreId id) throws IOException {
                    tookOverAt[0] = System.nanoTime(); // mark() follows this start's own take-over
                    return super.write(id);
                }
            };

            StoreIdentity.Result result = new StoreIdentity(catalog, StoreIdentity.objectsOf(store), watched,
                    grace, duration -> Thread.sleep(duration.toMillis())).check();

            assertThat(result.id()).isNotIn(crashed, othersTakeOver);
            assertThat(Duration.ofNanos(tookOverAt[0] - othersTookOverAt[0])).as("waited for the replacing id")
                    .isGreaterThanOrEqualTo(grace);
        }
    }

    /**
     * review25a L1: two nodes of one catalog start a new installation at once, each on a store of its own (two
     * directories, or two buckets): the first records its id and marks its store; the other, whose marker write was
     * free to run while the first's was under way, waits for the id to be confirmed and is refused. Exactly one store
     * ends up marked and recorded.
     */
    @Test
    void twoFirstStartsAtOnce_onStoresOfTheirOwn_onlyOneIsRecorded_theOtherIsRefused() throws Exception {
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore first = TestStore.open(home, clock);
            ObjectStore second = TestStore.open(elsewhere, clock);
            CountDownLatch firstWriting = new CountDownLatch(1);
            StoreMarker slow = new DelegatingMarker(marker(first)) {
                @Override
                public boolean write(StoreId id) throws IOException {
                    firstWriting.countDown();
                    try {
                        Thread.sleep(1500); // a slow write (S3): the second node checks meanwhile
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                    return super.write(id);
                }
            };
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                Future<StoreIdentity.Result> one = threads.submit(() ->
                        new StoreIdentity(catalog, first, slow).check());
                assertThat(firstWriting.await(30, TimeUnit.SECONDS)).isTrue();
                Future<StoreIdentity.Result> two = threads.submit(() -> check(catalog, second));

                StoreIdentity.Result recorded = one.get(60, TimeUnit.SECONDS);
                assertThat(recorded.outcome()).isEqualTo(StoreIdentity.Outcome.RECORDED);
                assertThatThrownBy(() -> two.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreNotRecognized.class)
                        .satisfies(e -> assertThat(((StoreNotRecognized) e.getCause()).reason())
                                .isEqualTo(StoreNotRecognized.Reason.MARKER_MISSING));
                assertThat(marker(second).read()).as("nothing written to the second node's store").isEmpty();
                assertThat(marker(first).read()).contains(recorded.id());
                assertThat(recorded(catalog)).isEqualTo(recorded.id() + " confirmed");
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /** Crash after the marker was written, before it was confirmed: the next start confirms it. */
    @Test
    void crashAfterTheMarker_beforeItWasConfirmed_theNextStartConfirmsIt_thenAMissingMarkerIsRefused()
            throws IOException {
        try (Database catalog = TestCatalog.open(home)) {
            StoreId id = StoreId.random();
            recordUnconfirmed(catalog, id);
            ObjectStore store = TestStore.open(home, clock);
            marker(store).write(id);

            assertThat(check(catalog, store)).isEqualTo(new StoreIdentity.Result(id, StoreIdentity.Outcome.RECORDED));
            assertThat(recorded(catalog)).isEqualTo(id + " confirmed");
            assertThatThrownBy(() -> check(catalog, TestStore.open(elsewhere, clock)))
                    .isInstanceOf(StoreNotRecognized.class);
        }
    }

    /** Two nodes starting at once over a new catalog and store agree on one id. */
    @Test
    void twoFirstStartsAtOnce_agreeOnOneId() throws Exception {
        try (Database catalog = TestCatalog.open(home)) {
            TestStore.open(home, clock); // the test's bucket named in home first: two threads would race to name it
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch go = new CountDownLatch(1);
                Callable<StoreId> start = () -> {
                    go.await();
                    return check(catalog, TestStore.open(home, clock)).id();
                };
                List<Future<StoreId>> both = List.of(threads.submit(start), threads.submit(start));
                go.countDown();
                StoreId first = both.get(0).get(60, TimeUnit.SECONDS);
                assertThat(both.get(1).get(60, TimeUnit.SECONDS)).isEqualTo(first);
                assertThat(marker(TestStore.open(home, clock)).read()).contains(first);
                assertThat(recorded(catalog)).isEqualTo(first + " confirmed");
            } finally {
                threads.shutdownNow();
            }
        }
    }
}
