package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Gauge;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.admin.SiteRemoval.FinishedRemoval;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.ForwardsAbandonment;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.RecordingAuditLog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Review20b L2: a plain site removal removes the site in one transaction, then abandons its dead forwards a page per
 * transaction. Cut off in between (a crash, a restart), it left the removed site's forwards DEAD, counted as dead
 * ({@code vaultgate.forward.queue}, the status page) until someone ran the removal again. The maintenance sweep
 * ({@link SiteRemoval#finishInterrupted}) now abandons them as the removal does (a page per transaction, one
 * {@code forward.abandoned} each), and never touches a forward of a site still in use. The cut is a failure injected
 * right after the site's transaction committed: the first page's audit append throws. Runs on SQLite and, with
 * {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class InterruptedSiteRemovalTest {

    private static final int PAGE = 3;

    @TempDir
    Path home;
    private TestCore test;
    private HookedAuditLog hooked;
    private RecordingAuditLog recording;
    private SiteRemoval removal;
    private SiteBacklog manila;
    private SiteBacklog cebu;
    private OperatorPrincipal maria;
    private final MutableClock clock = new MutableClock(Instant.now());

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        ClientPrincipal client = test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().createSite("cebu", "Cebu");
        manila = new SiteBacklog(test, client, "manila");
        cebu = new SiteBacklog(test, client, "cebu");
        hooked = new HookedAuditLog(test.core().audit());
        recording = new RecordingAuditLog(hooked);
        removal = removal(PAGE);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    /**
     * Review21c M1: a removal whose pages are still running looks like a cut-off one; the sweep leaves it alone for
     * {@link RemovedSiteForwards#GRACE}, so that its forwards are the administrator's, counted in the removal's answer.
     */
    @Test
    void aSiteRemovedJustNow_isLeftToItsRemovalsOwnPages() {
        List<String> dead = manila.dead(2);
        cutOffBeforeThePages("manila");
        clock.advance(RemovedSiteForwards.GRACE.minusSeconds(1));

        assertThat(removal.finishInterrupted()).isEmpty();
        assertThat(dead).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(ForwardState.DEAD));

        clock.advance(Duration.ofSeconds(2));
        assertThat(removal.finishInterrupted()).containsExactly(new FinishedRemoval("manila", 2, false));
    }

    /**
     * Review22d L5: a pass chooses its sites once; a removal run again after that (its page committed first) keeps
     * its forwards: the pass's page finds the removal's progress within the grace and leaves the site, taking nothing.
     * Before, each page checked only that the site was removed, and took them as {@code system}.
     */
    @Test
    void aPassWhoseSitesRemovalIsRunAgainMeanwhile_leavesItsForwardsToTheRemoval() {
        List<String> dead = manila.dead(3);
        cutOffBeforeThePages("manila");
        clock.advance(RemovedSiteForwards.GRACE.plusSeconds(1)); // the pass chooses manila now
        test.database().inTransaction(jdbc -> jdbc.update(
                "UPDATE sites SET removal_progress_at = ? WHERE id = 'manila'", clock.instant().toEpochMilli()));
        RemovedSiteForwards forwards = new RemovedSiteForwards(test.database(),
                new PagedAbandonment(test.database(), recording, clock, PAGE, SiteRemoval.SAMPLE), clock);

        assertThatThrownBy(() -> forwards.sweep("manila")).isInstanceOf(RemovedSiteForwards.RemovalRunning.class);

        assertThat(dead).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(ForwardState.DEAD));
    }

    /** Failed before the change: nothing but the removal run again ever abandoned them (no sweep). */
    @Test
    void aRemovalCutOffAfterTheSitesTransaction_isFinishedByTheSweep_auditedAndNoLongerCountedDead() {
        List<String> dead = manila.dead(7);
        cutOffBeforeThePages("manila");
        clock.advance(RemovedSiteForwards.GRACE.plusSeconds(1));
        assertThat(outbox().count(ForwardState.DEAD)).as("vaultgate.forward.jobs{state=dead} after the cut")
                .isEqualTo(7);
        long before = lastSeq();

        List<FinishedRemoval> finished = removal.finishInterrupted();

        assertThat(finished).containsExactly(new FinishedRemoval("manila", 7, false));
        assertThat(dead).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(ForwardState.ABANDONED));
        assertThat(outbox().count(ForwardState.DEAD)).as("vaultgate.forward.jobs{state=dead}").isZero();
        assertThat(deadGauge("manila")).as("vaultgate.forward.queue{site=manila,state=dead}").isEmpty();
        List<String> audited = eventsAfter(before);
        assertThat(audited).hasSize(7).allSatisfy(event -> assertThat(event).contains("\"actor\":\"system\"",
                "\"site\":\"manila\"", "\"state\":\"DEAD\"", "\"reason\":\"site removed\""));
        assertThat(dead).allSatisfy(id -> assertThat(audited).filteredOn(event -> event.contains("\"job\":\"" + id
                + "\"")).as("job %s audited once", id).hasSize(1));
        assertThat(recording.eventsPerAppend(AuditEvent.ForwardAbandoned.class)).as("a page per append")
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(PAGE));
        long unmarked = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM sites WHERE id = 'manila' AND "
                + "removal_progress_at IS NULL"));
        assertThat(unmarked).as("the sweep's pages record no progress, which would keep other nodes off").isEqualTo(1);

        assertThat(removal.finishInterrupted()).as("a second pass finds nothing").isEmpty();
        assertThat(lastSeq()).as("nor audits anything").isEqualTo(before + 7);
    }

    /**
     * Review21c L1, the first of the two guards that keep a site in use out of the sweep: the sites it takes are
     * removed ones only ({@link ForwardsAbandonment#removedSitesWithForwardsLeft}, and a removal's own look for its
     * site, {@link ForwardsAbandonment#removedWithForwardsLeft}). Another site's are swept meanwhile; the site in use
     * is not even tried (its pages would be refused by the second guard, logging a failure every pass), and its
     * removal is refused as a site in use's is.
     */
    @Test
    void aSiteStillInUse_isNotAmongTheSitesTheSweepTakes() {
        List<String> cebuDead = cebu.dead(2);
        List<String> cebuPending = cebu.pending(2);
        List<ForwardJob> cebuBefore = jobs(cebuDead, cebuPending);
        List<String> manilaDead = manila.dead(2);
        cutOffBeforeThePages("manila");
        clock.advance(RemovedSiteForwards.GRACE.plusSeconds(1));

        Logger log = (Logger) LoggerFactory.getLogger(RemovedSiteForwards.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try {
            assertThat(removal.finishInterrupted()).extracting(FinishedRemoval::siteId).containsExactly("manila");
        } finally {
            log.detachAppender(logged);
        }

        assertThat(logged.list).as("the site in use is not tried").noneMatch(event ->
                event.getFormattedMessage().contains("cebu"));
        boolean cebuLeft = test.database().read(jdbc -> ForwardsAbandonment.removedWithForwardsLeft(jdbc, "cebu"));
        assertThat(cebuLeft).as("a removal of cebu finds a removal to finish").isFalse();
        assertThatThrownBy(() -> removal.removeSite("cebu", "contract ended", "cli:test"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(GatewayException.Reason.CONFLICT);
                    assertThat(e).hasMessageContaining("2 forward(s) not delivered");
                });
        assertThat(jobs(cebuDead, cebuPending)).as("state and version unchanged").isEqualTo(cebuBefore);
        assertThat(deadGauge("cebu")).hasValueSatisfying(gauge -> assertThat(gauge.value()).isEqualTo(2.0));
        assertThat(manilaDead).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(ForwardState.ABANDONED));
        assertThat(eventsAfter(0)).noneMatch(event -> event.contains("\"site\":\"cebu\""));
    }

    /**
     * Review21c L1, the second guard: each page, of a pass or of a removal, checks first in its transaction that the
     * site is removed, so that a page of a site in use (were it ever taken) touches none of its forwards.
     */
    @Test
    void aPageForASiteStillInUse_isRefused_andTouchesNothing() {
        List<String> cebuDead = cebu.dead(2);
        List<String> cebuPending = cebu.pending(2);
        List<ForwardJob> cebuBefore = jobs(cebuDead, cebuPending);
        RemovedSiteForwards forwards = new RemovedSiteForwards(test.database(),
                new PagedAbandonment(test.database(), recording, clock, PAGE, SiteRemoval.SAMPLE), clock);
        clock.advance(RemovedSiteForwards.GRACE.plusSeconds(1));

        assertThatThrownBy(() -> forwards.sweep("cebu")).as("a pass's page")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("site cebu is not removed");
        assertThatThrownBy(() -> forwards.abandon("cebu", "cli:test")).as("a removal's page")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("site cebu is not removed");

        assertThat(jobs(cebuDead, cebuPending)).as("state and version unchanged").isEqualTo(cebuBefore);
        assertThat(eventsAfter(0)).noneMatch(event -> event.contains("\"site\":\"cebu\""));
        long unmarked = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM sites WHERE id = 'cebu' AND "
                + "removal_progress_at IS NULL"));
        assertThat(unmarked).as("no removal progress recorded").isEqualTo(1);
    }

    /**
     * Review21c M1 follow-up: a plain removal still running its pages after {@link RemovedSiteForwards#GRACE} (a
     * backlog of millions) keeps them its own. Here its first page makes the clock pass the grace; while its third
     * runs, another node's pass looks: its last page committed just now, so the pass leaves it. Before, the pass took
     * the site as soon as it was removed that long ago (its pages then blocked on the removal's page, and the records
     * of what it took said {@code system}).
     */
    @Test
    void aRemovalStillRunningItsPagesAfterTheGrace_keepsThemItsOwn() throws Exception {
        List<String> dead = manila.dead(7);
        ExecutorService otherNode = Executors.newSingleThreadExecutor();
        List<List<FinishedRemoval>> passes = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            hooked.beforeForwardAppend(n -> {
                if (n == 1) {
                    clock.advance(RemovedSiteForwards.GRACE.plusMinutes(1));
                } else if (n == 3) {
                    try {
                        passes.add(otherNode.submit(removal::finishInterrupted).get(10, TimeUnit.SECONDS));
                    } catch (Exception e) {
                        throw new IllegalStateException("the other node's pass did not finish while the removal ran",
                                e);
                    }
                }
            });
            long before = lastSeq();

            SiteRemoval.RemovedSite removed = removal.removeSite("manila", "contract ended", "cli:test");

            assertThat(passes).as("the pass ran, and took nothing").containsExactly(List.of());
            assertThat(removed.forwardsAbandonedCount()).isEqualTo(7);
            assertThat(dead).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(ForwardState.ABANDONED));
            assertThat(eventsAfter(before)).hasSize(7).allSatisfy(event ->
                    assertThat(event).contains("\"actor\":\"cli:test\""));
        } finally {
            otherNode.shutdownNow();
        }
    }

    /**
     * A removal cut off during its pages is swept {@link RemovedSiteForwards#GRACE} after its last page, not after the
     * site's removal: its pages here take 6 minutes each and it is cut off at its third.
     */
    @Test
    void aRemovalCutOffDuringItsPages_isSweptTheGraceAfterItsLastPage() {
        List<String> dead = manila.dead(7);
        hooked.beforeForwardAppend(n -> {
            if (n == 3) {
                throw new IllegalStateException("cut off (test)");
            }
            clock.advance(Duration.ofMinutes(6));
        });
        assertThatThrownBy(() -> removal.removeSite("manila", "contract ended", "cli:test"))
                .hasMessageContaining("cut off (test)");
        hooked.beforeForwardAppend(n -> { });
        assertThat(dead.subList(0, 6)).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(ForwardState.ABANDONED));
        long before = lastSeq();

        assertThat(removal.finishInterrupted()).as("12 minutes after the removal, 6 after its last page").isEmpty();
        clock.advance(RemovedSiteForwards.GRACE.minusMinutes(6).plusSeconds(1));

        assertThat(removal.finishInterrupted()).containsExactly(new FinishedRemoval("manila", 1, false));
        assertThat(eventsAfter(before)).singleElement().satisfies(event ->
                assertThat(event).contains("\"job\":\"" + dead.get(6) + "\"", "\"actor\":\"system\""));
    }

    /**
     * A removal stalled (not cut off) for longer than {@link RemovedSiteForwards#GRACE} between the site's transaction
     * and its first page: here the operator's session it ends holds it up while the clock passes the grace and a
     * maintenance pass (pages of one job, so that it leaves some) takes the site over. The removal, going on, finds
     * the site no longer its own at its first page and stops with CONFLICT, saying what it did; it abandons nothing
     * more, so no page is shared (before, it went on and took the rest as cli:test while the passes took theirs as
     * system, and answered with its share only). The next pass finishes; each job is abandoned and recorded once.
     * The removal run again takes the site back, as before.
     */
    @Test
    void aRemovalStalledPastTheGrace_stopsAtItsNextPageOnceAPassHasTakenTheSiteOver() {
        List<String> dead = manila.dead(RemovedSiteForwards.PAGES_PER_PASS + 3);
        SiteRemoval otherNode = removal(1);
        List<FinishedRemoval> passWhileStalled = new java.util.ArrayList<>();
        test.core().incidents().sessions().register(maria, "key:test", Protocol.SFTP, "127.0.0.1", reason -> {
            clock.advance(RemovedSiteForwards.GRACE.plusMinutes(1));
            passWhileStalled.addAll(otherNode.finishInterrupted());
        });
        long before = lastSeq();

        assertThatThrownBy(() -> removal.removeSite("manila", "contract ended", "cli:test"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(GatewayException.Reason.CONFLICT);
                    assertThat(e.clientMessage()).contains("site manila is removed (operator(s) maria removed, "
                            + "1 session(s) ended), but its forwards were taken over", "no progress for 10 minutes",
                            "this removal abandoned 0 of them", "maintenance pass");
                });

        assertThat(passWhileStalled).containsExactly(
                new FinishedRemoval("manila", RemovedSiteForwards.PAGES_PER_PASS, true));
        assertThat(eventsAfter(before)).as("the removal took no page after the pass took the site over")
                .hasSize(RemovedSiteForwards.PAGES_PER_PASS)
                .allSatisfy(event -> assertThat(event).contains("\"actor\":\"system\""));
        assertThat(removal.finishInterrupted()).as("the next pass")
                .containsExactly(new FinishedRemoval("manila", 3, false));
        assertThat(dead).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(ForwardState.ABANDONED));
        List<String> audited = eventsAfter(before);
        assertThat(audited).hasSize(dead.size()).allSatisfy(event -> assertThat(event).contains(
                "\"actor\":\"system\""));
        assertThat(dead).allSatisfy(id -> assertThat(audited).filteredOn(event -> event.contains("\"job\":\"" + id
                + "\"")).as("job %s audited once", id).hasSize(1));
    }

    /**
     * After a pass took a stalled removal's site over, the removal run again takes it back: its pages abandon the
     * rest under its name, and the passes leave the site to it (it made progress just now).
     */
    @Test
    void aRemovalRunAgainAfterAPassTookTheSiteOver_takesItBack() {
        List<String> dead = manila.dead(RemovedSiteForwards.PAGES_PER_PASS + 3);
        test.core().incidents().sessions().register(maria, "key:test", Protocol.SFTP, "127.0.0.1", reason -> {
            clock.advance(RemovedSiteForwards.GRACE.plusMinutes(1));
            removal(1).finishInterrupted();
        });
        assertThatThrownBy(() -> removal.removeSite("manila", "contract ended", "cli:test"))
                .isInstanceOf(GatewayException.class);
        long before = lastSeq();

        SiteRemoval.RemovedSite again = removal.removeSite("manila", "contract ended", "cli:again");

        assertThat(again.forwardsAbandonedCount()).isEqualTo(3);
        assertThat(eventsAfter(before)).hasSize(3).allSatisfy(event ->
                assertThat(event).contains("\"actor\":\"cli:again\""));
        assertThat(dead).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(ForwardState.ABANDONED));
        assertThat(removal.finishInterrupted()).isEmpty();
    }

    /**
     * A pass abandons at most {@link RemovedSiteForwards#PAGES_PER_PASS} pages of a site, so that a backlog of millions
     * does not hold the maintenance thread; the next pass goes on where it stopped.
     */
    @Test
    void aBacklogLargerThanAPassAllows_isFinishedOverSeveralPasses() {
        removal = removal(1);
        List<String> dead = manila.dead(RemovedSiteForwards.PAGES_PER_PASS + 1);
        cutOffBeforeThePages("manila");
        clock.advance(RemovedSiteForwards.GRACE.plusSeconds(1));

        assertThat(removal.finishInterrupted()).containsExactly(
                new FinishedRemoval("manila", RemovedSiteForwards.PAGES_PER_PASS, true));
        assertThat(job(dead.get(dead.size() - 1)).state()).as("left to the next pass").isEqualTo(ForwardState.DEAD);
        assertThat(removal.finishInterrupted()).containsExactly(new FinishedRemoval("manila", 1, false));
        assertThat(dead).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(ForwardState.ABANDONED));
    }

    /**
     * Removes the site as a plain removal does and cuts the removal off right after the site's transaction: its first
     * page's audit append fails, rolling that page back, as a crash there would end it.
     */
    private void cutOffBeforeThePages(String siteId) {
        hooked.beforeForwardAppend(n -> {
            throw new IllegalStateException("cut off (test)");
        });
        assertThatThrownBy(() -> removal.removeSite(siteId, "contract ended", "cli:test"))
                .hasMessageContaining("cut off (test)");
        hooked.beforeForwardAppend(n -> { });
        long removed = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM sites WHERE id = ? "
                + "AND removed_at IS NOT NULL", siteId));
        assertThat(removed).as("the site's transaction committed").isEqualTo(1);
        long abandoned = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE site_id = ? "
                + "AND state = 'ABANDONED'", siteId));
        assertThat(abandoned).as("no page committed").isZero();
    }

    private SiteRemoval removal(int page) {
        Offboarding offboarding = new Offboarding(test.database(), new OperatorRepository(), new BatchRepository(),
                test.core().incidents().revocation(), test.core().incidents().mfa(), recording, clock);
        return new SiteRemoval(test.database(), offboarding, new BatchRepository(), new RouteRepository(), outbox(),
                recording, clock, page, SiteRemoval.SAMPLE);
    }

    /**
     * The site's dead jobs as the scrape and the status page see them. Read once per test: the catalog gauges are
     * refreshed at most every few seconds.
     */
    private Optional<Gauge> deadGauge(String siteId) {
        test.core().metrics().refresh();
        return Optional.ofNullable(test.core().metrics().registry().find("vaultgate.forward.queue")
                .tag("site", siteId).tag("state", "dead").gauge());
    }

    @SafeVarargs
    private List<ForwardJob> jobs(List<String>... ids) {
        return java.util.Arrays.stream(ids).flatMap(List::stream).map(this::job).toList();
    }

    private ForwardJob job(String id) {
        return outbox().find(id).orElseThrow();
    }

    /** The {@code forward.abandoned} records after {@code seq}, in the chain's order. */
    private List<String> eventsAfter(long seq) {
        return test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE seq > ? AND kind = "
                + "'forward.abandoned' ORDER BY seq", row -> row.getString(1), seq));
    }

    private long lastSeq() {
        return test.database().read(jdbc -> jdbc.count("SELECT seq FROM audit_head"));
    }

    private Outbox outbox() {
        return test.core().forwarding().outbox();
    }
}
