package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import io.vaultgate.core.testing.PostgresDatabases;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change of a tenant made on one node while another node's change of it (a lockdown, a shred, a quota) is
 * uncommitted, on one PostgreSQL catalog where the two transactions really interleave. Each change rewrites the
 * tenant's whole row from what it read, so it must read under the row's lock: read without it, the change waited only
 * at its write and then wrote back what it had read before the other's, unlocking a locked tenant, unshredding a
 * shredded one or dropping a quota without a word.
 */
class PostgresTenantUpdateRaceTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private String name;
    private TestCore locking;
    private TestCore changing;

    @BeforeEach
    void twoNodesOnOneCatalog() {
        name = PostgresDatabases.createMigrated(); // a copy of the migrated template: the test is about the race
        locking = TestCore.over(home, PostgresDatabases.open(name));
        locking.core().administration().createTenant(ACME, "Acme", false);
        changing = TestCore.over(home, PostgresDatabases.open(name)); // its keystore copy holds the tenant's key
    }

    @AfterEach
    void stopNodes() {
        threads.shutdownNow();
        changing.close();
        locking.close();
        PostgresDatabases.drop(name);
    }

    @Test
    void aQuotaChange_duringAnotherNodesLockdown_keepsTheTenantLocked() throws Exception {
        Tenant after = changedDuringLockdown(administration -> administration.setQuota(ACME, new Quota(1000, 10)));

        assertThat(after.status()).as("the lockdown committed first").isEqualTo(TenantStatus.LOCKED);
        assertThat(after.quota()).as("and the change after it").isEqualTo(new Quota(1000, 10));
    }

    @Test
    void aCompletionSettingTheMaximumFileSize_duringAnotherNodesLockdown_keepsTheTenantLocked() throws Exception {
        // half-created: the tenant's row without a KEK version, as a creation cut off before its key was recorded
        locking.database().inTransaction(jdbc -> jdbc.update("DELETE FROM kek_versions WHERE kek_tenant = ?", "acme"));

        Tenant after = changedDuringLockdown(administration -> administration.addTenant(new NewTenant(ACME, "Acme",
                false, java.util.Optional.of(4096L), false, java.util.Map.of())));

        assertThat(after.status()).as("the lockdown committed first").isEqualTo(TenantStatus.LOCKED);
        assertThat(after.maxFileSize()).as("and the completion after it").isEqualTo(4096L);
    }

    @Test
    void anUnlock_duringAnotherNodesShred_isRefused_andTheTenantStaysShredded() throws Exception {
        locking.core().incidents().lockdown().lockdown(ACME, "incident 7", "alice");
        AtomicReference<GatewayException> refused = new AtomicReference<>();

        Tenant after = changedDuringStatus(TenantStatus.SHREDDED, administration -> {
            try {
                changing.core().incidents().lockdown().unlock(ACME, "all clear", "bob");
            } catch (GatewayException e) {
                refused.set(e);
            }
        });

        assertThat(after.status()).as("the shred committed first").isEqualTo(TenantStatus.SHREDDED);
        assertThat(refused.get()).as("and the unlock after it is refused").isNotNull();
        assertThat(refused.get().reason()).isEqualTo(GatewayException.Reason.CONFLICT);
    }

    @Test
    void aLockdown_duringAnotherNodesQuotaChange_keepsTheQuota() throws Exception {
        Tenant after = changedDuring(jdbc -> jdbc.update("UPDATE tenants SET quota_bytes = ?, quota_files = ? WHERE "
                + "id = ?", 1000L, 10L, ACME.value()), administration ->
                changing.core().incidents().lockdown().lockdown(ACME, "incident 8", "bob"));

        assertThat(after.quota()).as("the quota change committed first").isEqualTo(new Quota(1000, 10));
        assertThat(after.status()).as("and the lockdown after it").isEqualTo(TenantStatus.LOCKED);
    }

    private Tenant changedDuringLockdown(Consumer<Administration> change) throws Exception {
        return changedDuringStatus(TenantStatus.LOCKED, change);
    }

    private Tenant changedDuringStatus(TenantStatus status, Consumer<Administration> change) throws Exception {
        return changedDuring(jdbc -> jdbc.update("UPDATE tenants SET status = ? WHERE id = ?", status.name(),
                ACME.value()), change);
    }

    /**
     * Runs {@code change} on the second node while the first holds an uncommitted lockdown of the tenant, lets the
     * lockdown commit once the change waits for the row, and returns the tenant as both left it.
     */
    private Tenant changedDuring(Database.Work<Integer> first, Consumer<Administration> change) throws Exception {
        CountDownLatch lockedDown = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        Future<?> lockdown = threads.submit(() -> locking.database().inTransaction(jdbc -> {
            first.run(jdbc);
            lockedDown.countDown();
            await(commit);
            return null;
        }));
        assertThat(lockedDown.await(30, TimeUnit.SECONDS)).isTrue();

        Future<?> changed = threads.submit(() -> change.accept(changing.core().administration()));
        awaitALockWait();
        commit.countDown();
        lockdown.get(30, TimeUnit.SECONDS);
        changed.get(30, TimeUnit.SECONDS);
        return locking.core().administration().tenant(ACME).orElseThrow();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Until a transaction of the catalog waits for a lock: the change, behind the uncommitted lockdown. */
    private void awaitALockWait() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (locking.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")) == 0) {
            assertThat(System.nanoTime()).as("the change waits for the lockdown's row").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
