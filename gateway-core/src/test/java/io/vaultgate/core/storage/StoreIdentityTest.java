package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.storage.s3.S3ObjectStore;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.S3ProxyServer;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * review24b M2: the store's marker and the catalog's store id, checked at every start. Runs on the run's catalog and
 * store ({@link TestCatalog}, {@link TestStore}: SQLite and a directory, or PostgreSQL and S3). A store of another
 * home stands for an empty mount point (a directory) or a wrong bucket (S3).
 */
class StoreIdentityTest {

    @TempDir
    Path home;
    @TempDir
    Path elsewhere;

    /** How {@code store adopt} tells a live node: the default dead-after time (20 s), as a node's own watch does. */
    private static final NodeSettings JUDGE = NodeSettings.of("admin");

    private final Clock clock = Clock.systemUTC();

    @Test
    void aFreshInstallation_recordsAnIdAndWritesTheMarker_thenVerifiesIt() throws IOException {
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore store = TestStore.open(home, clock);
            StoreIdentity.Result first = check(catalog, store);
            assertThat(first.outcome()).isEqualTo(StoreIdentity.Outcome.RECORDED);
            assertThat(marker(store).read()).contains(first.id());
            assertThat(recorded(catalog)).isEqualTo(first.id() + " confirmed");

            StoreIdentity.Result again = check(catalog, TestStore.open(home, clock));
            assertThat(again).isEqualTo(new StoreIdentity.Result(first.id(), StoreIdentity.Outcome.VERIFIED));
        }
    }

    @Test
    void aStoreWithoutTheMarker_isRefused_onceTheCatalogRecordsAnId() throws IOException {
        try (Database catalog = TestCatalog.open(home)) {
            StoreId id = check(catalog, TestStore.open(home, clock)).id();
            ObjectStore empty = TestStore.open(elsewhere, clock); // an empty mount point, or a wrong bucket

            assertThatThrownBy(() -> check(catalog, empty)).isInstanceOfSatisfying(StoreNotRecognized.class, e -> {
                assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.MARKER_MISSING);
                assertThat(e.getMessage()).contains(marker(empty).location(), id.value(), "not mounted",
                        "docs/operations.md");
            });
            assertThat(marker(empty).read()).as("nothing written to it").isEmpty();
        }
    }

    @Test
    void anotherStoresMarker_isRefused_namingBothIds() throws IOException {
        try (Database catalog = TestCatalog.open(home); Database other = TestCatalog.open(elsewhere)) {
            StoreId ours = check(catalog, TestStore.open(home, clock)).id();
            ObjectStore theirs = TestStore.open(elsewhere, clock);
            StoreId their = check(other, theirs).id();

            assertThatThrownBy(() -> check(catalog, theirs)).isInstanceOfSatisfying(StoreNotRecognized.class, e -> {
                assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.DIFFERENT_STORE);
                assertThat(e.getMessage()).contains(ours.value(), their.value(), marker(theirs).location());
            });
        }
    }

    @Test
    void aNewCatalog_overAnotherInstallationsStore_isRefused() throws IOException {
        try (Database catalog = TestCatalog.open(home); Database fresh = TestCatalog.open(elsewhere)) {
            ObjectStore store = TestStore.open(home, clock);
            StoreId id = check(catalog, store).id();

            assertThatThrownBy(() -> check(fresh, store)).isInstanceOfSatisfying(StoreNotRecognized.class, e -> {
                assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.FOREIGN_STORE);
                assertThat(e.getMessage()).contains(id.value());
            });
            assertThat(recorded(fresh)).isEqualTo("none");
        }
    }

    @Test
    void anUpgradedCatalog_adoptsAStoreThatHoldsItsObjects() throws IOException {
        try (TestCore gateway = TestCore.create(home)) { // a catalog from before V33: files, no store id
            committedFiles(gateway, 3);
            StoreIdentity.Result result = check(gateway.database(), gateway.store());

            assertThat(result.outcome()).isEqualTo(StoreIdentity.Outcome.RECORDED);
            assertThat(marker(gateway.store()).read()).contains(result.id());
            assertThat(recorded(gateway.database())).isEqualTo(result.id() + " confirmed");
        }
    }

    @Test
    void anUpgradedCatalog_refusesAStoreThatDoesNotHoldItsObjects_andWritesNothingThere() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 3);
            ObjectStore empty = TestStore.open(elsewhere, clock);

            assertThatThrownBy(() -> check(gateway.database(), empty)).isInstanceOfSatisfying(
                    StoreNotRecognized.class, e -> {
                        assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.NOT_PROVEN);
                        assertThat(e.getMessage()).contains("0 of the objects of the 3 files", "not mounted");
                    });
            assertThat(marker(empty).read()).isEmpty();
            assertThat(recorded(gateway.database())).isEqualTo("none");
        }
    }

    @Test
    void anUpgradedCatalog_withUploadsInProgressOnly_cannotBeProven_andIsRefused() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            ClientPrincipal alice = gateway.client("acme", "alice", Protocol.SFTP);
            Upload upload = gateway.core().ingest().open(alice, PathPolicy.parse("/inbox/live.bin"), UploadMode.CREATE);
            upload.write(0, ByteBuffer.wrap(new byte[10]));

            assertThatThrownBy(() -> check(gateway.database(), gateway.store())).isInstanceOfSatisfying(
                    StoreNotRecognized.class, e -> assertThat(e.reason())
                            .isEqualTo(StoreNotRecognized.Reason.NOT_PROVEN));
            upload.close();
        }
    }

    /** A catalog restored from before the upgrade, over a store its later self marked: the store's id is adopted. */
    @Test
    void anUpgradedCatalog_adoptsTheMarkerOfAStoreThatHoldsItsObjects() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            StoreId marked = StoreId.random();
            marker(gateway.store()).write(marked);

            StoreIdentity.Result result = check(gateway.database(), gateway.store());
            assertThat(result).isEqualTo(new StoreIdentity.Result(marked, StoreIdentity.Outcome.ADOPTED));
            assertThat(recorded(gateway.database())).isEqualTo(marked + " confirmed");
        }
    }

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
                    clock, grace, duration -> {
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
     * taking it over (which, with A's marker landing first, refused both nodes and every start after them).
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
                        new StoreIdentity(catalog, storeA, markerA, clock).check());
                assertThat(aWriting.await(30, TimeUnit.SECONDS)).isTrue();
                Future<StoreIdentity.Result> b = threads.submit(() ->
                        new StoreIdentity(catalog, storeB, markerB, Clock.offset(clock, Duration.ofSeconds(61)))
                                .check());
                StoreId recordedByA = a.get(60, TimeUnit.SECONDS).id();
                assertThat(b.get(60, TimeUnit.SECONDS).id()).as("B starts on A's id").isEqualTo(recordedByA);
            } finally {
                threads.shutdownNow();
            }
            assertThat(new StoreIdentity(catalog, storeA, marker(storeA), clock).check().outcome())
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

            StoreIdentity.Result result = new StoreIdentity(catalog, StoreIdentity.objectsOf(store), watched, clock,
                    grace, duration -> Thread.sleep(duration.toMillis())).check();

            assertThat(result.id()).isNotIn(crashed, othersTakeOver);
            assertThat(Duration.ofNanos(tookOverAt[0] - othersTookOverAt[0])).as("waited for the replacing id")
                    .isGreaterThanOrEqualTo(grace);
        }
    }

    private static void awaitBriefly(CountDownLatch latch) throws IOException {
        try {
            latch.await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
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
                        new StoreIdentity(catalog, first, slow, clock).check());
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

    /** review25a L1: a marker is never replaced; a write where one is reports it, and the caller reads that one. */
    @Test
    void aMarkerWrite_whereOneIsThere_leavesIt() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "S3Proxy ignores If-None-Match on PUT (AWS S3 honours it): "
                + "s3.S3StoreMarkerConditionalTest tests it on a server that honours it");
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore store = TestStore.open(home, clock);
            StoreId there = StoreId.random();
            assertThat(marker(store).write(there)).isTrue();

            assertThat(marker(store).write(StoreId.random())).isFalse();
            assertThat(marker(store).read()).contains(there);
        }
    }

    /** review25a L8: temporary marker files a crash mid-write left are deleted once the store is recognized. */
    @Test
    void leftoverTemporaryMarkerFiles_areDeletedAtStart_andNothingElse() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a file in the store's root");
        try (Database catalog = TestCatalog.open(home)) {
            check(catalog, TestStore.open(home, clock));
            Path root = home.resolve("objects");
            Files.writeString(root.resolve(".vaultgate-store.8342113097212.new"), "vaultgate-st");
            Files.writeString(root.resolve(".vaultgate-store.keep"), "not ours");
            Files.writeString(root.resolve(".vaultgate-store.x1.new"), "not ours either");

            check(catalog, TestStore.open(home, clock));

            try (var names = Files.list(root)) {
                assertThat(names.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder(
                        StoreMarker.NAME, ".vaultgate-store.keep", ".vaultgate-store.x1.new");
            }
        }
    }

    /** An S3 marker is read up to a byte more than a marker can be: a larger object is refused, not read whole. */
    @Test
    void anOversizedMarker_isRefused_namingTheLimit() throws IOException {
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore store = TestStore.open(home, clock);
            byte[] large = new byte[1 << 20];
            java.util.Arrays.fill(large, (byte) 'v');
            if (TestStore.s3()) {
                S3ObjectStore s3 = (S3ObjectStore) store;
                S3ProxyServer.shared().client().putObject(r -> r.bucket(s3.settings().bucket())
                        .key(s3.settings().keyPrefix() + StoreMarker.NAME), RequestBody.fromBytes(large));
            } else {
                Files.write(home.resolve("objects").resolve(StoreMarker.NAME), large);
            }

            assertThatThrownBy(() -> check(catalog, store)).isInstanceOfSatisfying(StoreNotRecognized.class, e -> {
                assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.MARKER_UNREADABLE);
                assertThat(e.getMessage()).contains("larger than 128 bytes", marker(store).location());
            });
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

    /**
     * Crash after an upgraded catalog recorded the id, before the marker; the next start finds the store unmounted: it
     * proves the store again instead of writing the marker on the mount point.
     */
    @Test
    void crashAfterAnUpgradeRecordedTheId_thenAnUnmountedStore_isRefused() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            recordUnconfirmed(gateway.database(), StoreId.random());
            ObjectStore empty = TestStore.open(elsewhere, clock);

            assertThatThrownBy(() -> check(gateway.database(), empty)).isInstanceOfSatisfying(
                    StoreNotRecognized.class, e -> assertThat(e.reason())
                            .isEqualTo(StoreNotRecognized.Reason.NOT_PROVEN));
            assertThat(marker(empty).read()).isEmpty();
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

    @Test
    void aMarkerThatIsNotOne_isRefused_withoutEchoingIt() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a file in the store's root");
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore store = TestStore.open(home, clock);
            Files.writeString(home.resolve("objects").resolve(StoreMarker.NAME), "secret-looking junk\n");

            assertThatThrownBy(() -> check(catalog, store)).isInstanceOfSatisfying(StoreNotRecognized.class, e -> {
                assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.MARKER_UNREADABLE);
                assertThat(e.getMessage()).doesNotContain("junk");
            });
        }
    }

    @Test
    void theFileMarker_isPrivate_andOutsideEveryTenantsObjects() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a file in the store's root");
        try (Database catalog = TestCatalog.open(home)) {
            check(catalog, TestStore.open(home, clock));
            Path file = home.resolve("objects").resolve(StoreMarker.NAME);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(file, StandardCharsets.US_ASCII)).matches("vaultgate-store [0-9a-f-]{36}\n");
            try (var names = Files.list(home.resolve("objects"))) {
                assertThat(names.map(path -> path.getFileName().toString())).as("no temporary file left")
                        .containsExactly(StoreMarker.NAME);
            }
        }
    }

    /**
     * {@code vaultgate store adopt}: a store holding the catalog's objects but another marker (copied elsewhere, or
     * restored without its own) is recorded, confirmed and audited; a store without them is not, and nothing is
     * written to it.
     */
    @Test
    void adopt_recordsAStoreThatHoldsTheCatalogsObjects_andAuditsIt_butNotOneThatDoesNot() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 3);
            StoreId before = check(gateway.database(), gateway.store()).id();
            ObjectStore empty = TestStore.open(elsewhere, clock);
            assertThatThrownBy(() -> adoption(gateway, empty).adopt("cli:test"))
                    .isInstanceOfSatisfying(StoreNotRecognized.class, e -> assertThat(e.getMessage())
                            .contains("0 of the objects of the 3 files"));
            assertThat(marker(empty).read()).isEmpty();
            assertThat(recorded(gateway.database())).isEqualTo(before + " confirmed");

            StoreId copied = StoreId.random(); // the store as restored: its objects, another marker than recorded
            if (gateway.store() instanceof S3ObjectStore s3) {
                S3ProxyServer.shared().client().deleteObject(r -> r.bucket(s3.settings().bucket())
                        .key(s3.settings().keyPrefix() + StoreMarker.NAME));
            } else {
                Files.delete(home.resolve("objects").resolve(StoreMarker.NAME));
            }
            marker(gateway.store()).write(copied);
            assertThatThrownBy(() -> check(gateway.database(), gateway.store()))
                    .isInstanceOf(StoreNotRecognized.class);

            StoreAdoption.Adopted adopted = adoption(gateway, gateway.store()).adopt("cli:test");
            assertThat(adopted).isEqualTo(new StoreAdoption.Adopted(copied, false, Optional.of(before), false));
            assertThat(recorded(gateway.database())).isEqualTo(copied + " confirmed");
            assertThat(check(gateway.database(), gateway.store())).isEqualTo(
                    new StoreIdentity.Result(copied, StoreIdentity.Outcome.VERIFIED));
            List<String> audited = gateway.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events "
                    + "WHERE kind = 'admin.change' AND event LIKE ?", row -> row.getString(1), "%STORE_ADOPTED%"));
            assertThat(audited).hasSize(1);
            assertThat(audited.get(0)).contains(copied.value(), before.value(), "cli:test");
        }
    }

    @Test
    void adopt_writesAMarkerWhereThereIsNone() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            StoreAdoption.Adopted adopted = adoption(gateway, gateway.store()).adopt("cli:test");

            assertThat(adopted.markerWritten()).isTrue();
            assertThat(marker(gateway.store()).read()).contains(adopted.id());
            assertThat(recorded(gateway.database())).isEqualTo(adopted.id() + " confirmed");
        }
    }

    /**
     * review26a L8: a node that records an id while {@code store adopt} runs (it was not stopped) is not overwritten:
     * the adoption records nothing, audits nothing and says to stop every node and run it again.
     */
    @Test
    void adopt_whileANodeRecordsAnId_recordsNothing() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            StoreId nodes = StoreId.random();
            StoreMarker meanwhile = new DelegatingMarker(marker(gateway.store())) {
                @Override
                public boolean write(StoreId id) throws IOException {
                    gateway.database().inTransaction(jdbc -> jdbc.update("INSERT INTO store_identity (id, store_id, "
                            + "recorded_at) VALUES (1, ?, ?)", nodes.value(), System.currentTimeMillis()));
                    return super.write(id);
                }
            };
            StoreAdoption adoption = new StoreAdoption(gateway.database(), StoreIdentity.objectsOf(gateway.store()),
                    meanwhile, gateway.core().audit(), clock, JUDGE);

            assertThatThrownBy(() -> adoption.adopt("cli:test")).isInstanceOfSatisfying(StoreNotRecognized.class,
                    e -> assertThat(e.getMessage()).contains("changed while", "nothing was recorded"));
            assertThat(recorded(gateway.database())).isEqualTo(nodes + " unconfirmed");
            List<String> audited = gateway.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events "
                    + "WHERE kind = 'admin.change' AND event LIKE ?", row -> row.getString(1), "%STORE_ADOPTED%"));
            assertThat(audited).isEmpty();
        }
    }

    /**
     * review26a L8: {@code store adopt} while a node's heartbeat is fresh (as the nodes judge it: within the dead-after
     * time) is refused, naming the node; nothing is written, recorded or audited. Once the node is silent for longer
     * (crashed), or stopped, the store is adopted.
     */
    @Test
    void adopt_whileANodesHeartbeatIsFresh_isRefusedNamingIt_andAdoptsOnceItIsDeadOrStopped() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            beat(gateway.database(), "node-a", Duration.ZERO);
            beat(gateway.database(), "node-b", JUDGE.deadAfter().minusSeconds(3)); // silent, not yet taken for dead

            assertThatThrownBy(() -> adoption(gateway, gateway.store()).adopt("cli:test")).isInstanceOfSatisfying(
                    StoreNotRecognized.class, e -> {
                        assertThat(e.reason()).isEqualTo(StoreNotRecognized.Reason.NODES_RUNNING);
                        assertThat(e.problem()).containsPattern("node node-a heartbeat \\d+ s ago") // seconds
                                .containsPattern("node node-b heartbeat 1[7-9] s ago") // pass under load
                                .contains("nothing was recorded");
                        assertThat(e.fix()).isEqualTo("stop every node, then run vaultgate store adopt again");
                    });
            assertThat(marker(gateway.store()).read()).as("no marker written").isEmpty();
            assertThat(recorded(gateway.database())).isEqualTo("none");
            assertThat(adoptionsAudited(gateway)).isEmpty();

            beat(gateway.database(), "node-a", JUDGE.deadAfter().plusSeconds(1)); // crashed: taken for dead
            stop(gateway.database(), "node-b");
            StoreAdoption.Adopted adopted = adoption(gateway, gateway.store()).adopt("cli:test");
            assertThat(adopted.markerWritten()).isTrue();
            assertThat(recorded(gateway.database())).isEqualTo(adopted.id() + " confirmed");
            assertThat(adoptionsAudited(gateway)).hasSize(1);
        }
    }

    /** review26a L8: a node that starts while the adoption proves the store is named, and nothing is recorded. */
    @Test
    void adopt_whenANodeStartsWhileTheStoreIsProven_recordsNothing() throws IOException {
        try (TestCore gateway = TestCore.create(home)) {
            committedFiles(gateway, 2);
            StoreIdentity.Objects objects = StoreIdentity.objectsOf(gateway.store());
            StoreIdentity.Objects nodeStarts = (tenant, id) -> {
                beat(gateway.database(), "node-c", Duration.ZERO);
                return objects.holds(tenant, id);
            };
            StoreAdoption adoption = new StoreAdoption(gateway.database(), nodeStarts, marker(gateway.store()),
                    gateway.core().audit(), clock, JUDGE);

            assertThatThrownBy(() -> adoption.adopt("cli:test")).isInstanceOfSatisfying(StoreNotRecognized.class,
                    e -> assertThat(e.problem()).containsPattern("node node-c heartbeat \\d+ s ago"));
            assertThat(recorded(gateway.database())).isEqualTo("none");
            assertThat(adoptionsAudited(gateway)).isEmpty();
        }
    }

    private StoreAdoption adoption(TestCore gateway, ObjectStore store) {
        return new StoreAdoption(gateway.database(), StoreIdentity.objectsOf(store), marker(store),
                gateway.core().audit(), clock, JUDGE);
    }

    private static List<String> adoptionsAudited(TestCore gateway) {
        return gateway.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = "
                + "'admin.change' AND event LIKE ?", row -> row.getString(1), "%STORE_ADOPTED%"));
    }

    /** Node {@code id}'s row, its last heartbeat {@code silence} ago on the catalog's clock (as the nodes write it). */
    private static void beat(Database catalog, String id, Duration silence) {
        catalog.inTransaction(jdbc -> jdbc.update("INSERT INTO nodes (id, incarnation, started_at, last_seen) VALUES "
                + "(?, 'test', " + jdbc.dialect().nowMillis() + ", " + jdbc.dialect().nowMillis() + " - ?) ON CONFLICT "
                + "(id) DO UPDATE SET last_seen = excluded.last_seen", id, silence.toMillis()));
    }

    /** A clean stop, as a node records it. */
    private static void stop(Database catalog, String id) {
        catalog.inTransaction(jdbc -> jdbc.update("UPDATE nodes SET last_seen = 0 WHERE id = ?", id));
    }

    private StoreIdentity.Result check(Database catalog, ObjectStore store) throws IOException {
        return new StoreIdentity(catalog, store, marker(store), clock).check();
    }

    static StoreMarker marker(ObjectStore store) {
        return store instanceof FileSystemObjectStore directory ? directory.marker()
                : ((S3ObjectStore) store).marker();
    }

    private static void committedFiles(TestCore gateway, int count) {
        ClientPrincipal alice = gateway.client("acme", "alice", Protocol.SFTP);
        for (int i = 0; i < count; i++) {
            gateway.upload(alice, "/inbox/file-" + i + ".txt", "content " + i);
        }
    }

    private static void recordUnconfirmed(Database catalog, StoreId id) {
        catalog.inTransaction(jdbc -> jdbc.update(
                "INSERT INTO store_identity (id, store_id, recorded_at) VALUES (1, ?, 0)", id.value()));
    }

    private static String recorded(Database catalog) {
        Optional<String> row = catalog.read(jdbc -> jdbc.queryOne(
                "SELECT store_id, confirmed_at FROM store_identity WHERE id = 1",
                r -> r.getString(1) + (r.getObject(2) != null ? " confirmed" : " unconfirmed")));
        return row.orElse("none");
    }
}
