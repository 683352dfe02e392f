package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.admin.SiteRemoval.RemovedSite;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.node.CatalogClock;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site removal command run again while a plain removal of the site is still abandoning its dead forwards, page by
 * page, after the site's own transaction. Each run owns the site's pages in turn ({@code sites.removal_run}, V32).
 * Before, the command run again always took the site: from a run making progress too, which then stopped at its next
 * page with CONFLICT, its forwards split between two answers and two actors. Now a run that made progress within
 * {@link RemovedSiteForwards#STALLED} keeps them, and the command run again answers CONFLICT with that run's progress,
 * changing nothing; only a run with no page for that long (stalled, or its process killed) is taken over, and a run
 * that failed (an error it could report) gives the site up at once. The command run again comes right between two
 * pages of the first run: after the first page's commit ({@code Jdbc#afterCommit}), before the second page starts.
 * Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class SiteRemovalRunAgainTest {

    private static final int PAGE = 3;
    private static final int JOBS = 7;

    @TempDir
    Path home;
    private TestCore test;
    private HookedAuditLog hooked;
    private SiteRemoval removal;
    private SiteBacklog backlog;
    private List<String> dead;
    private final MutableClock clock = new MutableClock(Instant.now());

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        ClientPrincipal client = test.client("acme", "acme-upload", Protocol.SFTP);
        test.operator("manila", "maria", Protocol.SFTP);
        backlog = new SiteBacklog(test, client, "manila");
        dead = backlog.dead(JOBS);
        hooked = new HookedAuditLog(test.core().audit());
        removal = removal(hooked);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    /**
     * Between the first run's first and second page, its last page just under {@link RemovedSiteForwards#STALLED}
     * old: the command run again is refused (CONFLICT) with the first run's progress and takes nothing; the first run
     * goes on and abandons every job under its own name. Failed before the change: the second run took the site and
     * abandoned the 4 jobs left as {@code cli:again}, and the first stopped at its second page with CONFLICT.
     */
    @Test
    void runAgainBetweenThePagesOfARunMakingProgress_isRefusedWithItsProgress_andTheRunFinishes() {
        long before = lastSeq();
        AtomicReference<Throwable> again = new AtomicReference<>();
        betweenTheFirstAndSecondPage(() -> {
            clock.advance(RemovedSiteForwards.STALLED.minusSeconds(1));
            again.set(catchThrowable(() -> removal.removeSite("manila", "contract ended", "cli:again")));
        });

        RemovedSite removed = removal.removeSite("manila", "contract ended", "cli:test");

        assertThat(again.get()).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
            assertThat(e.clientMessage()).contains("site manila's removal is running",
                    "its last page " + (RemovedSiteForwards.STALLED.toSeconds() - 1) + " s ago",
                    PAGE + " forward(s) abandoned, " + (JOBS - PAGE) + " left", "this run changed nothing",
                    "no progress for " + RemovedSiteForwards.STALLED.toMinutes() + " minutes");
        });
        assertThat(removed.forwardsAbandonedCount()).as("the first run's answer counts every job").isEqualTo(JOBS);
        assertThat(removed.forwardsAbandoned()).containsExactlyElementsOf(dead);
        assertThat(abandonedAfter(before)).as("each job audited once, under the first run's name")
                .containsExactlyElementsOf(dead.stream().map(id -> id + " cli:test").toList());
    }

    /**
     * Between the same two pages, the first run's last page just over {@link RemovedSiteForwards#STALLED} old: the
     * command run again takes the site and abandons the rest under its name, and the stalled run stops at its next
     * page with CONFLICT, saying what it did. Each job is abandoned and audited once. Guards what the command run
     * again did before (it took every run's site, this one's included).
     */
    @Test
    void runAgainBetweenThePagesOfARunStalledPastTheStatedTime_takesTheRest_andTheStalledRunStops() {
        long before = lastSeq();
        AtomicReference<RemovedSite> again = new AtomicReference<>();
        betweenTheFirstAndSecondPage(() -> {
            clock.advance(RemovedSiteForwards.STALLED.plusSeconds(1));
            again.set(removal.removeSite("manila", "contract ended", "cli:again"));
        });

        assertThatThrownBy(() -> removal.removeSite("manila", "contract ended", "cli:test"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.clientMessage()).contains("its forwards were taken over",
                            "this removal abandoned " + PAGE + " of them");
                });

        assertThat(again.get()).as("the run again, between the pages").isNotNull();
        assertThat(again.get().forwardsAbandonedCount()).isEqualTo(JOBS - PAGE);
        assertThat(again.get().forwardsAbandoned()).containsExactlyElementsOf(dead.subList(PAGE, JOBS));
        assertThat(abandonedAfter(before)).as("each job audited once, under the name of the run that abandoned it")
                .containsExactlyElementsOf(dead.stream().map(id -> id + (dead.indexOf(id) < PAGE ? " cli:test"
                        : " cli:again")).toList());
        assertThat(outbox().count(ForwardState.DEAD)).isZero();
    }

    /**
     * A run whose process was killed after its first page leaves the site its own, its last page fresh (nothing ran
     * to give it up): the command run again at once is refused with that progress, saying from when it may take
     * over; once the run has made no progress for {@link RemovedSiteForwards#STALLED}, the command run again
     * abandons the rest. Failed before the change: the command run again took the site at once.
     */
    @Test
    void aRunWhoseProcessWasKilled_isTakenOverByTheCommandRunAgainOnceItMadeNoProgressForTheStatedTime() {
        cutOffAtTheSecondPage();
        test.database().inTransaction(jdbc -> jdbc.update("UPDATE sites SET removal_run = ?, removal_progress_at = ? "
                + "WHERE id = 'manila'", "a-killed-run", clock.instant().toEpochMilli()));
        Instant takeOverFrom = Instant.ofEpochMilli(clock.instant().toEpochMilli()).plus(RemovedSiteForwards.STALLED);
        long before = lastSeq();

        assertThatThrownBy(() -> removal.removeSite("manila", "contract ended", "cli:again"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.clientMessage()).contains("site manila's removal is running", "0 s ago",
                            PAGE + " forward(s) abandoned, " + (JOBS - PAGE) + " left", "from " + takeOverFrom);
                });
        assertThat(lastSeq()).as("nothing audited").isEqualTo(before);
        clock.advance(RemovedSiteForwards.STALLED.minusSeconds(1));
        assertThatThrownBy(() -> removal.removeSite("manila", "contract ended", "cli:again"))
                .isInstanceOf(GatewayException.class).hasMessageContaining("is running");

        clock.advance(Duration.ofSeconds(2));
        RemovedSite again = removal.removeSite("manila", "contract ended", "cli:again");

        assertThat(again.forwardsAbandonedCount()).isEqualTo(JOBS - PAGE);
        assertThat(abandonedAfter(before)).containsExactlyElementsOf(dead.subList(PAGE, JOBS).stream()
                .map(id -> id + " cli:again").toList());
    }

    /**
     * A run that fails (here its second page's audit append) gives the site up as it stops: the command run again
     * goes on at once, although the failed run's last page is fresh. Failed before the change: the failed run still
     * owned the site ({@code removal_run} its id), though the command run again took it regardless.
     */
    @Test
    void aRunThatFailed_givesTheSiteUp_soTheCommandRunAgainGoesOnAtOnce() {
        cutOffAtTheSecondPage();
        long owned = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM sites WHERE id = 'manila' "
                + "AND removal_run IS NOT NULL"));
        assertThat(owned).as("the failed run gave the site up").isZero();
        long before = lastSeq();

        RemovedSite again = removal.removeSite("manila", "contract ended", "cli:again");

        assertThat(again.forwardsAbandonedCount()).isEqualTo(JOBS - PAGE);
        assertThat(abandonedAfter(before)).containsExactlyElementsOf(dead.subList(PAGE, JOBS).stream()
                .map(id -> id + " cli:again").toList());
    }

    /**
     * Two runs of the command at once on a site whose removal failed (given up): the first's first page claims the
     * site; the second, started while that page is open, waits for it (PostgreSQL: the site's row lock, seen in
     * {@code pg_stat_activity}; SQLite: the write lock, not visible) and then finds the first's progress: it is refused
     * and changes nothing, and the first abandons every job left under its name. Failed before the change: the
     * second took the site once the first's page committed, and the first stopped with CONFLICT.
     */
    @Test
    void twoRunsOfTheCommandAtOnce_theSecondWaitsForTheFirstsPage_andIsRefused() throws Exception {
        cutOffAtTheSecondPage();
        long before = lastSeq();
        SiteRemoval second = removal(test.core().audit());
        ExecutorService thread = Executors.newSingleThreadExecutor();
        AtomicReference<Future<Throwable>> secondRun = new AtomicReference<>();
        AtomicBoolean secondWaited = new AtomicBoolean();
        RemovedSite first;
        try {
            hooked.beforeForwardAppend(n -> {
                if (n == 1) {
                    secondRun.set(thread.submit(() -> catchThrowable(() -> second.removeSite("manila",
                            "contract ended", "cli:second"))));
                    secondWaited.set(HeldLocks.untilWaiting(test.database(), secondRun.get()));
                }
            });

            first = removal.removeSite("manila", "contract ended", "cli:first");

            assertThat(secondRun.get().get(60, TimeUnit.SECONDS)).isInstanceOfSatisfying(GatewayException.class,
                    e -> {
                        assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                        assertThat(e.clientMessage()).contains("site manila's removal is running");
                    });
        } finally {
            thread.shutdownNow();
        }

        if (TestCatalog.postgresql()) {
            assertThat(secondWaited).as("the second run waited for the first's page").isTrue();
        }
        assertThat(first.forwardsAbandonedCount()).isEqualTo(JOBS - PAGE);
        assertThat(abandonedAfter(before)).containsExactlyElementsOf(dead.subList(PAGE, JOBS).stream()
                .map(id -> id + " cli:first").toList());
    }

    /**
     * The progress the refusal reports counts the forwards abandoned since the site's removal, not one abandoned before
     * it (here a job whose file was deleted, settled ABANDONED by the outbox a minute before the removal), review24b
     * L4. Failed before the change: "4 forward(s) abandoned", the site's every abandoned job.
     */
    @Test
    void theRefusalsProgress_countsOnlyTheForwardsAbandonedSinceTheRemoval() {
        backlog.pending(1);
        ForwardJob gone = backlog.claimOne();
        assertThat(outbox().abandonGone(gone, "its file was deleted", clock.instant().minusSeconds(60))).isTrue();
        AtomicReference<Throwable> again = new AtomicReference<>();
        betweenTheFirstAndSecondPage(() -> {
            clock.advance(Duration.ofSeconds(5));
            again.set(catchThrowable(() -> removal.removeSite("manila", "contract ended", "cli:again")));
        });

        RemovedSite removed = removal.removeSite("manila", "contract ended", "cli:test");

        assertThat(again.get()).isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.clientMessage())
                .contains("site manila's removal is running", PAGE + " forward(s) abandoned, " + (JOBS - PAGE)
                        + " left"));
        assertThat(removed.forwardsAbandonedCount()).isEqualTo(JOBS);
        assertThat(outbox().count(ForwardState.ABANDONED)).isEqualTo(JOBS + 1);
    }

    /**
     * Two nodes whose own clocks are 6 minutes apart, each on the catalog's time ({@link CatalogClock}, measured as a
     * joining node and an admin command measure it): a run making progress on the node 3 minutes behind is not taken
     * over by the command run again on the node 3 minutes ahead, its last page just under
     * {@link RemovedSiteForwards#STALLED} old (review24b L4). Guards existing behaviour: on the nodes' own clocks the
     * run would look 6 minutes stalled and be taken over.
     */
    @Test
    void aRunMakingProgress_isNotTakenOverFromANodeWhoseClockIsAhead() {
        SiteRemoval behind = removal(hooked, node(Duration.ofMinutes(-3)));
        SiteRemoval ahead = removal(test.core().audit(), node(Duration.ofMinutes(3)));
        AtomicReference<Throwable> again = new AtomicReference<>();
        betweenTheFirstAndSecondPage(() -> {
            clock.advance(RemovedSiteForwards.STALLED.minusSeconds(5));
            again.set(catchThrowable(() -> ahead.removeSite("manila", "contract ended", "cli:ahead")));
        });

        RemovedSite removed = behind.removeSite("manila", "contract ended", "cli:behind");

        assertThat(again.get()).isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.clientMessage())
                .contains("site manila's removal is running"));
        assertThat(removed.forwardsAbandonedCount()).isEqualTo(JOBS);
    }

    /**
     * The converse: a run killed after its first page on the node 3 minutes ahead is taken over by the command run
     * again on the node 3 minutes behind once it has made no progress for {@link RemovedSiteForwards#STALLED}, and not
     * before (review24b L4). Guards existing behaviour: on the nodes' own clocks the killed run's page would be in the
     * future of the node behind, which would refuse for 6 more minutes.
     */
    @Test
    void aKilledRun_isTakenOverFromANodeWhoseClockIsBehind_afterTheStatedTime() {
        cutOffAtTheSecondPage();
        CatalogClock ahead = node(Duration.ofMinutes(3));
        SiteRemoval behind = removal(test.core().audit(), node(Duration.ofMinutes(-3)));
        test.database().inTransaction(jdbc -> jdbc.update("UPDATE sites SET removal_run = ?, removal_progress_at = ? "
                + "WHERE id = 'manila'", "a-killed-run", ahead.instant().toEpochMilli()));
        clock.advance(RemovedSiteForwards.STALLED.minusSeconds(5));
        assertThatThrownBy(() -> behind.removeSite("manila", "contract ended", "cli:behind"))
                .isInstanceOf(GatewayException.class).hasMessageContaining("is running");

        clock.advance(Duration.ofSeconds(10));
        RemovedSite again = behind.removeSite("manila", "contract ended", "cli:behind");

        assertThat(again.forwardsAbandonedCount()).isEqualTo(JOBS - PAGE);
    }

    /** A node's core clock: the test's clock moved by {@code skew}, put on the catalog's time as a node's is. */
    private CatalogClock node(Duration skew) {
        CatalogClock node = new CatalogClock(Clock.offset(clock, skew));
        node.measure(test.database());
        return node;
    }

    /** Runs {@code action} once, right after the commit of the next removal's first page, before its second. */
    private void betweenTheFirstAndSecondPage(Runnable action) {
        hooked.beforeForwardAppendIn((n, jdbc) -> {
            if (n == 1) {
                jdbc.afterCommit(() -> {
                    hooked.beforeForwardAppendIn((m, other) -> { });
                    action.run();
                });
            }
        });
    }

    /** A plain removal of manila, cut off by a failure in its second page: its first page committed. */
    private void cutOffAtTheSecondPage() {
        hooked.beforeForwardAppend(n -> {
            if (n == 2) {
                throw new IllegalStateException("cut off (test)");
            }
        });
        assertThatThrownBy(() -> removal.removeSite("manila", "contract ended", "cli:test"))
                .hasMessageContaining("cut off (test)");
        hooked.beforeForwardAppend(n -> { });
        assertThat(outbox().count(ForwardState.ABANDONED)).isEqualTo(PAGE);
    }

    /** The {@code forward.abandoned} records after {@code seq}, in the chain's order, as "job actor". */
    private List<String> abandonedAfter(long seq) {
        return test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE seq > ? AND kind = "
                + "'forward.abandoned' ORDER BY seq", row -> row.getString(1), seq)).stream()
                .map(event -> field(event, "job") + " " + field(event, "actor")).toList();
    }

    private static String field(String json, String name) {
        int start = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
        return json.substring(start, json.indexOf('"', start));
    }

    /** A site removal over {@code audit}, with small pages, on the test's clock. */
    private SiteRemoval removal(AuditLog audit) {
        return removal(audit, clock);
    }

    /** A site removal over {@code audit}, with small pages, on {@code clock}. */
    private SiteRemoval removal(AuditLog audit, Clock clock) {
        Offboarding offboarding = new Offboarding(test.database(), new OperatorRepository(), new BatchRepository(),
                test.core().incidents().revocation(), test.core().incidents().mfa(), audit, clock);
        return new SiteRemoval(test.database(), offboarding, new BatchRepository(), new RouteRepository(), outbox(),
                audit, clock, PAGE, SiteRemoval.SAMPLE);
    }

    private long lastSeq() {
        return test.database().read(jdbc -> jdbc.count("SELECT seq FROM audit_head"));
    }

    private Outbox outbox() {
        return test.core().forwarding().outbox();
    }
}
