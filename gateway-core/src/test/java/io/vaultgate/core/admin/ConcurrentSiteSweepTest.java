package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.admin.SiteRemoval.FinishedRemoval;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.audit.AuditVerifier;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.Race;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Review21c L2: every node's maintenance pass sweeps the forwards a cut-off removal left, so two nodes sweep the same
 * removed site at once. Two nodes (two cores, each with its own pool, over one catalog and one object store) start
 * their passes at the same moment and pass again until neither finds anything left: every forward of the site is
 * abandoned once, with one {@code forward.abandoned} record (no job left, none recorded twice, the two nodes' counts
 * adding up), the chain intact, no pass failing, and nothing of a site in use touched. On SQLite (one file, its write
 * lock ordering the two) or, with {@code -Dvaultgate.test.catalog=postgresql}, on one PostgreSQL database, where the
 * two nodes' pages lock and change the same rows.
 */
class ConcurrentSiteSweepTest {

    /** Small pages: many transactions of each node, interleaved. */
    private static final int PAGE = 2;
    private static final int DEAD = 30;

    @TempDir
    Path home;
    private TestCore nodeA;
    private TestCore nodeB;
    private final MutableClock clock = new MutableClock(Instant.now());
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger sweepLog = (Logger) LoggerFactory.getLogger(RemovedSiteForwards.class);

    private List<String> dead;
    private final List<String> cebuJobs = new ArrayList<>();
    private List<ForwardJob> cebuBefore;
    private long before;

    /**
     * Node A makes {@link #DEAD} dead forwards of manila and 2 dead and 2 pending of cebu (in use), then removes manila
     * and is cut off right after the site's transaction; the clock passes the sweep's grace.
     */
    @BeforeEach
    void setUp() {
        nodeA = TestCore.create(home);
        nodeB = nodeA.secondNode();
        ClientPrincipal client = nodeA.client("acme", "acme-upload", Protocol.SFTP);
        nodeA.operator("manila", "maria", Protocol.SFTP);
        nodeA.core().sites().createSite("cebu", "Cebu");
        dead = new SiteBacklog(nodeA, client, "manila").dead(DEAD);
        SiteBacklog cebu = new SiteBacklog(nodeA, client, "cebu");
        cebuJobs.addAll(cebu.dead(2));
        cebuJobs.addAll(cebu.pending(2));
        cebuBefore = cebuJobs.stream().map(this::job).toList();
        cutOffBeforeThePages("manila");
        clock.advance(RemovedSiteForwards.GRACE.plusSeconds(1));
        before = nodeA.database().read(jdbc -> jdbc.count("SELECT seq FROM audit_head"));
        logged.start();
        sweepLog.addAppender(logged);
    }

    @AfterEach
    void tearDown() {
        sweepLog.detachAppender(logged);
        try {
            if (nodeB != null) {
                nodeB.close();
            }
        } finally {
            if (nodeA != null) {
                nodeA.close();
            }
        }
    }

    /** Both nodes' passes start at the same moment and run until neither finds anything left. */
    @Test
    void twoNodesSweepingOneRemovedSite_abandonEachForwardOnce_andTouchNothingElse() throws Exception {
        SiteRemoval onA = removal(nodeA, nodeA.core().audit());
        SiteRemoval onB = removal(nodeB, nodeB.core().audit());
        AtomicLong byA = new AtomicLong();
        AtomicLong byB = new AtomicLong();

        Race.Outcome outcome = Race.run(() -> sweepUntilDone(onA, byA), () -> sweepUntilDone(onB, byB));

        assertThat(outcome).as("neither refused").isEqualTo(new Race.Outcome(true, true));
        assertEachAbandonedOnce(byA.get(), byB.get());
    }

    /**
     * The two nodes' first pages take the same jobs: node B's pass starts while node A's first page holds its jobs
     * (read, locked and changed, its records not yet appended) and waits for them (on PostgreSQL for their row locks,
     * which the test sees B wait for; on SQLite for the database's write lock), then reads them as A's commit left
     * them: abandoned already, so B neither changes nor records them again.
     */
    @Test
    void aPageBothNodesTakeAtOnce_isAbandonedAndRecordedByOneOnly() throws Exception {
        HookedAuditLog hookedA = new HookedAuditLog(nodeA.core().audit());
        SiteRemoval onA = removal(nodeA, hookedA);
        SiteRemoval onB = removal(nodeB, nodeB.core().audit());
        AtomicLong byA = new AtomicLong();
        AtomicLong byB = new AtomicLong();
        ExecutorService threads = Executors.newSingleThreadExecutor();
        AtomicReference<Future<?>> passesOfB = new AtomicReference<>();
        AtomicBoolean bWaited = new AtomicBoolean();
        try {
            hookedA.beforeForwardAppend(n -> {
                if (n == 1) {
                    passesOfB.set(threads.submit(() -> sweepUntilDone(onB, byB)));
                    bWaited.set(HeldLocks.untilWaiting(nodeB.database(), passesOfB.get()));
                }
            });

            sweepUntilDone(onA, byA);
            passesOfB.get().get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        if (TestCatalog.postgresql()) {
            assertThat(bWaited).as("B's page waited for the rows of A's").isTrue();
        }
        assertEachAbandonedOnce(byA.get(), byB.get());
    }

    /**
     * Every forward of manila abandoned, each with one record (none twice), what the two nodes counted adding up to
     * them, no pass failing, the chain intact, and nothing of cebu touched.
     */
    private void assertEachAbandonedOnce(long byA, long byB) {
        assertThat(logged.list).as("no pass failed").noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.WARN));
        assertThat(byA + byB).as("abandoned by A (%d) and B (%d)", byA, byB).isEqualTo(DEAD);
        assertThat(dead).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(ForwardState.ABANDONED));
        long left = nodeA.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE site_id = "
                + "'manila' AND state <> 'ABANDONED'"));
        assertThat(left).as("manila's jobs not abandoned").isZero();
        List<String> records = nodeA.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE seq > ? "
                + "AND kind = 'forward.abandoned' ORDER BY seq", row -> row.getString(1), before));
        Map<String, Long> perJob = records.stream().collect(Collectors.groupingBy(
                event -> event.replaceAll(".*\"job\":\"([^\"]+)\".*", "$1"), Collectors.counting()));
        assertThat(perJob).as("one record per job").hasSize(DEAD).containsOnlyKeys(dead)
                .allSatisfy((job, count) -> assertThat(count).as(job).isEqualTo(1));
        assertThat(records).allSatisfy(event -> assertThat(event).contains("\"actor\":\"system\"",
                "\"site\":\"manila\"", "\"reason\":\"site removed\""));
        assertThat(new AuditVerifier(nodeA.database(), Optional.empty(), clock).verify().ok()).as("chain intact")
                .isTrue();
        assertThat(cebuJobs.stream().map(this::job).toList()).as("cebu's jobs, state and version unchanged")
                .isEqualTo(cebuBefore);
    }

    /** Passes of {@code removal} until one finds no removed site with forwards left; adds what they abandoned. */
    private static void sweepUntilDone(SiteRemoval removal, AtomicLong abandoned) {
        for (int passes = 0; passes < 1000; passes++) {
            List<FinishedRemoval> finished = removal.finishInterrupted();
            if (finished.isEmpty()) {
                return;
            }
            finished.forEach(site -> abandoned.addAndGet(site.forwardsAbandoned()));
        }
        throw new IllegalStateException("still sweeping after 1000 passes");
    }

    /** A plain removal of the site on node A, cut off right after the site's transaction, before its pages. */
    private void cutOffBeforeThePages(String siteId) {
        HookedAuditLog hooked = new HookedAuditLog(nodeA.core().audit());
        hooked.beforeForwardAppend(n -> {
            throw new IllegalStateException("cut off (test)");
        });
        assertThatThrownBy(() -> removal(nodeA, hooked).removeSite(siteId, "contract ended", "cli:test"))
                .hasMessageContaining("cut off (test)");
        long abandoned = nodeA.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE "
                + "site_id = ? AND state = 'ABANDONED'", siteId));
        assertThat(abandoned).as("no page committed").isZero();
    }

    /** The site removal of {@code node}, its pages small, over its own pool and {@code audit}, on the test's clock. */
    private SiteRemoval removal(TestCore node, AuditLog audit) {
        Offboarding offboarding = new Offboarding(node.database(), new OperatorRepository(), new BatchRepository(),
                node.core().incidents().revocation(), node.core().incidents().mfa(), audit, clock);
        return new SiteRemoval(node.database(), offboarding, new BatchRepository(), new RouteRepository(),
                node.core().forwarding().outbox(), audit, clock, PAGE, SiteRemoval.SAMPLE);
    }

    private ForwardJob job(String id) {
        return outbox().find(id).orElseThrow();
    }

    private Outbox outbox() {
        return nodeA.core().forwarding().outbox();
    }
}
