package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.CatalogAuditLog;
import io.vaultgate.core.audit.CheckpointPolicy;
import io.vaultgate.core.defender.Defender;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.defender.Offence;
import io.vaultgate.core.defender.LoginLockouts;
import io.vaultgate.core.defender.LoginMethod;
import io.vaultgate.core.policy.DataPolicy;
import io.vaultgate.core.policy.Policies;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.PostgresDatabases;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gateway nodes writing the same shared state at the same moment on one PostgreSQL catalog, where their
 * transactions really interleave: a ban of one address, failed logins of one name, policy versions of one
 * tenant. Each change must count exactly once and none may fail on a duplicate key. Each node is its own
 * {@link Database} (own pool and connections); all of them start together.
 */
class PostgresSharedStateRaceTest {

    private static final int NODES = 5;
    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path keys;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Database> nodes = new ArrayList<>();
    private String name;
    private AuditSigningKey auditKey;

    @BeforeEach
    void catalogSharedByFiveNodes() throws Exception {
        name = PostgresDatabases.createMigrated(); // a copy of the migrated template: the test is about the race
        for (int i = 0; i < NODES; i++) {
            nodes.add(PostgresDatabases.open(name));
        }
        nodes.get(0).inTransaction(jdbc -> jdbc.update("INSERT INTO tenants (id, name, status, protocols, "
                + "created_at) VALUES ('acme', 'Acme', 'ACTIVE', 'SFTP', 0)"));
        auditKey = AuditKeys.loadOrCreate(keys.resolve("audit-signing.key"), new SecureRandom());
    }

    @AfterEach
    void dropCatalog() {
        threads.shutdownNow();
        nodes.forEach(Database::close);
        PostgresDatabases.drop(name);
    }

    @Test
    void anAddressFirstBannedOnFiveNodesAtOnce_isOneBan_andNoNodeFails() throws Exception {
        List<Optional<Throwable>> failures = all(node -> () -> defender(node).ban("203.0.113.7",
                "test: banned on every node at once", "admin:test"));

        assertThat(failures).allMatch(Optional::isEmpty);
        long rows = nodes.get(0).read(jdbc -> jdbc.count("SELECT COUNT(*) FROM defender_bans"));
        assertThat(rows).isEqualTo(1);
    }

    @Test
    void anAddressBannedBefore_thenOnFiveNodesAtOnce_risesOneLevelPerBan() throws Exception {
        defender(nodes.get(0)).ban("203.0.113.8", "test: first offence", "admin:test");

        List<Optional<Throwable>> failures = all(node -> () -> defender(node).ban("203.0.113.8",
                "test: banned on every node at once", "admin:test"));

        assertThat(failures).allMatch(Optional::isEmpty);
        long level = nodes.get(0).read(jdbc -> jdbc.count("SELECT level FROM defender_bans "
                + "WHERE address = '203.0.113.8'"));
        assertThat(level).as("each ban waits for the one before and raises its level").isEqualTo(1 + NODES);
    }

    @Test
    void offencesSpreadOverFiveNodes_addUpToOneThreshold_andBanTheAddressOnce() throws Exception {
        int perNode = DefenderPolicy.defaults().banThreshold() / NODES; // 3 failed logins on each node: 15 points
        for (int round = 0; round < 10; round++) { // the last offences of each round race: repeat to catch a lost one
            String address = "203.0.113." + (100 + round);
            List<Optional<Throwable>> failures = all(node -> () -> {
                Defender defender = defender(node);
                for (int i = 0; i < perNode; i++) {
                    defender.offence(address, Offence.LOGIN_FAILED);
                }
                return null;
            });

            assertThat(failures).allMatch(Optional::isEmpty);
            long level = nodes.get(0).read(jdbc -> jdbc.count("SELECT level FROM defender_bans "
                    + "WHERE address = ?", address));
            assertThat(level).as("%s banned once, although no node alone saw the threshold", address).isEqualTo(1);
            assertThat(nodes).allSatisfy(node -> assertThat(defender(node).admits(address, "login")).isFalse());
            long left = nodes.get(0).read(jdbc -> jdbc.count("SELECT COALESCE(SUM(o.points), 0) "
                    + "FROM defender_offences o JOIN defender_scores s ON s.address = o.address "
                    + "WHERE o.address = ? AND o.occurred_at > s.cleared_at", address));
            assertThat(left).as("offences scored after the ban, racing it, stay below the threshold").isLessThan(
                    DefenderPolicy.defaults().banThreshold());
        }
    }

    @Test
    void tenFailedLoginsOnFiveNodesAtOnce_areEachCounted_andLockTheNameOnce() throws Exception {
        List<Future<Boolean>> locked = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int i = 0; i < 10; i++) {
            LoginLockouts lockouts = lockouts(nodes.get(i % NODES));
            locked.add(threads.submit(() -> {
                start.await();
                return lockouts.failed("alice", LoginMethod.PASSWORD, Optional.of(ACME));
            }));
        }
        start.countDown();

        int locks = 0;
        for (Future<Boolean> lock : locked) {
            locks += lock.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(locks).as("the tenth failure, and only it, locks").isEqualTo(1);
        LoginLockouts check = lockouts(nodes.get(0));
        Optional<java.time.Instant> until = nodes.get(0).read(jdbc -> check.lockedUntil(jdbc, "alice",
                LoginMethod.PASSWORD));
        assertThat(until).isPresent();
    }

    @Test
    void policiesPublishedOnFiveNodesAtOnce_getConsecutiveVersions() throws Exception {
        List<Future<DataPolicy>> published = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int i = 0; i < NODES; i++) {
            Policies policies = policies(nodes.get(i));
            String text = "Handle acme's files on site only, rule " + i;
            published.add(threads.submit(() -> {
                start.await();
                return policies.publish(ACME, text);
            }));
        }
        start.countDown();

        List<Integer> versions = new ArrayList<>();
        for (Future<DataPolicy> policy : published) {
            versions.add(policy.get(60, TimeUnit.SECONDS).version());
        }
        assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    }

    /** Runs one task per node, all released at once; the failure of each, if any. */
    private List<Optional<Throwable>> all(java.util.function.Function<Database, Callable<?>> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (Database node : nodes) {
            Callable<?> work = task.apply(node);
            running.add(threads.submit(() -> {
                start.await();
                return work.call();
            }));
        }
        start.countDown();
        List<Optional<Throwable>> failures = new ArrayList<>();
        for (Future<?> future : running) {
            try {
                future.get(60, TimeUnit.SECONDS);
                failures.add(Optional.empty());
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(Optional.of(e.getCause()));
            }
        }
        return failures;
    }

    private CatalogAuditLog audit(Database node) {
        return new CatalogAuditLog(node, auditKey, CheckpointPolicy.defaults(), new SecureRandom(), Clock.systemUTC());
    }

    private Defender defender(Database node) {
        return new Defender(node, audit(node), DefenderPolicy.defaults(), Clock.systemUTC(), new SimpleMeterRegistry());
    }

    private LoginLockouts lockouts(Database node) {
        return new LoginLockouts(node, audit(node), defender(node), Clock.systemUTC());
    }

    private Policies policies(Database node) {
        return new Policies(node, new TenantRepository(), new OperatorRepository(), new RouteRepository(),
                audit(node), "admin:test", Clock.systemUTC());
    }
}
