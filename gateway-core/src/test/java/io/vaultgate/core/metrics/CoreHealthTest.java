package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingObjectStore;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoreHealthTest {

    @TempDir
    Path home;
    private TestCore test;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aWorkingCore_isUp() {
        assertThat(test.core().health().check()).allSatisfy(check -> assertThat(check.up()).isTrue())
                .extracting(CheckResult::name).containsExactly("catalog", "store");
    }

    @Test
    void aCatalogReplacedByAnEmptyDatabase_isDown() throws IOException {
        removeCatalog();
        Files.createFile(home.resolve("catalog.db"));

        CheckResult catalog = test.core().health().catalog();

        assertThat(catalog.up()).isFalse();
        assertThat(catalog.detail()).contains("catalog");
    }

    @Test
    void aCatalogThatCannotBeOpened_isDown() throws IOException {
        removeCatalog();
        Files.createDirectory(home.resolve("catalog.db"));

        assertThat(test.core().health().catalog().up()).isFalse();
    }

    @Test
    void aStoreWhoseRootIsNotADirectory_isDown_andUpAgainOnceRepaired() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a directory store");
        AtomicLong nanos = new AtomicLong();
        CoreHealth health = new CoreHealth(test.database(), test.store(), new SecureRandom(),
                CoreHealth.STORE_PROBE_INTERVAL, nanos::get);
        Path objects = home.resolve("objects");
        Path moved = home.resolve("objects.moved");
        Files.move(objects, moved);
        Files.writeString(objects, "not a directory");

        assertThat(health.store().up()).isFalse();

        Files.delete(objects);
        Files.move(moved, objects);
        nanos.addAndGet(CoreHealth.STORE_PROBE_INTERVAL.toNanos());
        assertThat(health.store().up()).isTrue();
    }

    /**
     * {@code /health/ready} answers anyone: a flood of it must not become a flood of writes and fsyncs. The probe
     * runs once per interval; in between its result is served, and a store that broke is seen after the interval.
     */
    @Test
    void aFloodOfStoreChecks_writesOneProbePerInterval() {
        AtomicInteger probes = new AtomicInteger();
        AtomicLong nanos = new AtomicLong(1_000);
        boolean[] broken = {false};
        ObjectStore counting = storeWhoseCreate(test.store(), () -> {
            probes.incrementAndGet();
            if (broken[0]) {
                throw new IOException("No space left on device");
            }
        });
        CoreHealth health = new CoreHealth(test.database(), counting, new SecureRandom(), Duration.ofSeconds(5),
                nanos::get);

        for (int i = 0; i < 1_000; i++) {
            assertThat(health.store().up()).isTrue();
        }
        assertThat(probes).hasValue(1);

        broken[0] = true;
        nanos.addAndGet(Duration.ofMillis(4_999).toNanos());
        assertThat(health.store().up()).as("the last result, within the interval").isTrue();
        assertThat(probes).hasValue(1);

        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        CheckResult down = health.store();
        for (int i = 0; i < 1_000; i++) {
            assertThat(health.store()).isEqualTo(down);
        }
        assertThat(down.up()).isFalse();
        assertThat(down.detail()).contains("No space left on device");
        assertThat(probes).hasValue(2);
    }

    /**
     * While a probe runs, other callers get the previous result instead of queueing behind it (or writing
     * too); a probe that hangs longer than the interval (a dead mount) is reported down, not hidden by the
     * last result from before it hung.
     */
    @Test
    void aProbeThatHangs_servesThePreviousResult_thenDown() throws Exception {
        AtomicLong nanos = new AtomicLong();
        CountDownLatch hang = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        AtomicInteger probes = new AtomicInteger();
        ObjectStore hanging = storeWhoseCreate(test.store(), () -> {
            if (probes.incrementAndGet() == 2) {
                entered.countDown();
                try {
                    hang.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        CoreHealth health = new CoreHealth(test.database(), hanging, new SecureRandom(), Duration.ofSeconds(5),
                nanos::get);
        assertThat(health.store().up()).isTrue();
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());

        CompletableFuture<CheckResult> stuck = CompletableFuture.supplyAsync(health::store);
        try {
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(health.store().up()).as("while the probe runs: the previous result").isTrue();
            nanos.addAndGet(Duration.ofSeconds(6).toNanos());
            CheckResult overdue = health.store();
            assertThat(overdue.up()).isFalse();
            assertThat(overdue.detail()).contains("has not finished a write probe for 6 s");
            assertThat(probes).as("no second probe beside the hung one").hasValue(2);
        } finally {
            hang.countDown();
        }
        assertThat(stuck.get(10, TimeUnit.SECONDS).up()).isTrue();
    }

    /** The probe writes under its tenant id: a tenant of that id would share that storage space. */
    @Test
    void theProbeTenantsId_isReserved() {
        TenantId probe = TenantId.of(CoreHealth.PROBE_TENANT);

        assertThatThrownBy(() -> test.core().administration().createTenant(probe, "Probe", false))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.INVALID_REQUEST))
                .hasMessage("tenant id vaultgate-health-probe is reserved for the gateway's store readiness probe; "
                        + "choose another id");
        assertThat(test.core().administration().tenant(probe)).isEmpty();
        assertThat(test.core().administration().createTenant(TenantId.of("vaultgate-health-probe2"), "Near", false)
                .id().value()).isEqualTo("vaultgate-health-probe2");
    }

    /**
     * A catalog from before the reservation may hold a tenant of the probe's id ({@code vaultgate doctor} reports it
     * as {@code reserved-tenant}); until it is moved, the probe shares its storage space. It creates, syncs and
     * deletes only an object of a fresh random name, so the tenant's committed objects and resumable partials are
     * neither read, overwritten nor removed (a probe that reused a name or cleaned up by sweeping would be).
     */
    @Test
    void probesInTheSpaceOfALegacyTenantWithTheProbesId_leaveItsObjectsAsTheyWere() throws Exception {
        TenantId legacy = TenantId.of(CoreHealth.PROBE_TENANT);
        ObjectStore store = test.store();
        SecureRandom random = new SecureRandom();
        ObjectId committed = ObjectId.random(random);
        try (PendingObject object = store.create(legacy, committed)) {
            object.channel().write(ByteBuffer.wrap("committed object".getBytes(StandardCharsets.UTF_8)));
            store.commit(legacy, object);
        }
        ObjectId partial = ObjectId.random(random);
        try (PendingObject object = store.create(legacy, partial)) {
            object.channel().write(ByteBuffer.wrap("resumable partial".getBytes(StandardCharsets.UTF_8)));
            object.sync();
        }
        CoreHealth health = new CoreHealth(test.database(), store, random, Duration.ZERO, System::nanoTime);

        for (int i = 0; i < 100; i++) {
            assertThat(health.store().up()).isTrue();
        }

        assertThat(contents(store.open(legacy, committed))).isEqualTo("committed object");
        try (PendingObject object = store.reopen(legacy, partial)) {
            assertThat(contents(object.channel())).isEqualTo("resumable partial");
        }
    }

    private static String contents(java.nio.channels.SeekableByteChannel channel) throws IOException {
        try (channel) {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            while (channel.read(buffer) > 0) {
                // read all
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    /** {@code store}, with {@code beforeCreate} run before each {@code create}. */
    private static ObjectStore storeWhoseCreate(ObjectStore store, Step beforeCreate) {
        return new DelegatingObjectStore(store) {
            @Override
            public PendingObject create(TenantId tenant, ObjectId id) throws IOException {
                beforeCreate.run();
                return super.create(tenant, id);
            }
        };
    }

    @Test
    void theStoreProbe_leavesNoObjectBehind() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "a directory store");
        test.core().health().store();

        try (var files = Files.walk(home.resolve("objects"))) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    private void removeCatalog() throws IOException {
        Assumptions.assumeFalse(TestCatalog.postgresql(), "a SQLite file; PostgresCatalogTest covers PostgreSQL");
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(home.resolve("catalog.db" + suffix));
        }
    }
}
