package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.PostgresDatabases;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes releasing the leases of one dead node at the same moment on one PostgreSQL catalog (every live node runs
 * the reaper for a dead node at each heartbeat, and a restarted node runs it for itself): the job whose last attempt
 * the dead node held goes DEAD once and is reported dead ({@code forward.dead}, the meter) only by the reaper whose
 * statement made it so. Each node is its own {@link Database}; PostgreSQL only, as {@link PostgresOutboxClaimTest}
 * (on SQLite one writer at a time cannot interleave the two).
 */
class PostgresReaperReportsOnlyItsOwnDeathsTest {

    private static final Instant NOW = Instant.parse("2026-12-03T08:00:00Z");
    private static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofMinutes(10));

    private String name;
    private Database first;
    private Database second;

    @BeforeEach
    void jobOfADeadNodeAtItsLastAttempt() {
        name = PostgresDatabases.createMigrated();
        first = PostgresDatabases.open(name);
        second = PostgresDatabases.open(name);
        first.inTransaction(jdbc -> {
            jdbc.update("INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', 'Acme', "
                    + "'ACTIVE', 'HTTPS', 0)");
            jdbc.update("INSERT INTO sites (id, name, created_at) VALUES ('manila', 'Manila', 0)");
            jdbc.update("INSERT INTO forward_jobs (id, file_id, tenant_id, site_id, state, version, attempts, "
                    + "next_attempt_at, lease_owner, lease_expires_at, created_at, updated_at) VALUES ('fw_1', 'f_1', "
                    + "'acme', 'manila', 'IN_FLIGHT', 77, 3, 0, 'node-a', ?, 0, 0)", NOW.plusSeconds(3600).toEpochMilli());
            jdbc.update("INSERT INTO forward_jobs (id, file_id, tenant_id, site_id, state, version, attempts, "
                    + "next_attempt_at, lease_owner, lease_expires_at, created_at, updated_at) VALUES ('fw_2', 'f_2', "
                    + "'acme', 'manila', 'IN_FLIGHT', 78, 1, 0, 'node-a', ?, 1, 0)", NOW.plusSeconds(3600).toEpochMilli());
            return null;
        });
    }

    @AfterEach
    void drop() {
        first.close();
        second.close();
        PostgresDatabases.drop(name);
    }

    @Test
    void aReaperAlone_reportsTheLastAttemptItMadeDead_andReleasesTheOthers() {
        List<String> reported = new CopyOnWriteArrayList<>();
        Outbox nodeB = new Outbox(second, RETRY, new SecureRandom());

        assertThat(nodeB.releaseLeasesOf("node-a", NOW, (job, error) -> reported.add(job.id()))).isEqualTo(2);

        assertThat(reported).containsExactly("fw_1");
        assertThat(nodeB.find("fw_1").orElseThrow().state()).isEqualTo(ForwardState.DEAD);
        ForwardJob other = nodeB.find("fw_2").orElseThrow();
        assertThat(other.state()).isEqualTo(ForwardState.PENDING);
        assertThat(other.leaseOwner()).isEmpty();
    }

    @Test
    void aReaperRunningIntoAnotherReapersDeath_reportsNone() throws Exception {
        List<String> reportedByB = new CopyOnWriteArrayList<>();
        Outbox nodeB = new Outbox(second, RETRY, new SecureRandom());
        // node C's reaper: the same UPDATE releaseLeasesOf makes for a last attempt, held uncommitted while node B's
        // reaper runs into it (node C then reports the job dead itself, after its commit)
        Future<Integer> released = HeldLocks.whileHeld(first, jdbc -> jdbc.update("UPDATE forward_jobs SET "
                + "state = 'DEAD', version = version + 1, lease_owner = NULL, lease_expires_at = NULL, last_error = "
                + "'the node stopped while sending; released at its restart', updated_at = ? WHERE state = 'IN_FLIGHT' "
                + "AND lease_owner = ? AND attempts >= ?", NOW.toEpochMilli(), "node-a", RETRY.maxAttempts()),
                () -> nodeB.releaseLeasesOf("node-a", NOW, (job, error) -> reportedByB.add(job.id())));

        assertThat(released.get(30, TimeUnit.SECONDS)).as("node B's reaper made nothing DEAD; it released fw_2")
                .isEqualTo(1);
        long dead = second.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE state = 'DEAD'"));
        assertThat(dead).isEqualTo(1);
        assertThat(reportedByB).as("node B made no job DEAD, so it reports none (node C reports fw_1)").isEmpty();
    }
}
