package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Gauge;
import io.vaultgate.core.admin.SiteRemoval.FinishedRemoval;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    private final MutableClock clock = new MutableClock(Instant.now());

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        ClientPrincipal client = test.client("acme", "acme-upload", Protocol.SFTP);
        test.operator("manila", "maria", Protocol.SFTP);
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

        assertThat(removal.finishInterrupted()).as("a second pass finds nothing").isEmpty();
        assertThat(lastSeq()).as("nor audits anything").isEqualTo(before + 7);
    }

    /** The dead and pending forwards of a site still in use stay as they were, though another site's are swept. */
    @Test
    void theForwardsOfASiteStillInUse_areNeverTouched() {
        List<String> cebuDead = cebu.dead(2);
        List<String> cebuPending = cebu.pending(2);
        List<ForwardJob> cebuBefore = jobs(cebuDead, cebuPending);
        List<String> manilaDead = manila.dead(2);
        cutOffBeforeThePages("manila");
        clock.advance(RemovedSiteForwards.GRACE.plusSeconds(1));

        assertThat(removal.finishInterrupted()).extracting(FinishedRemoval::siteId).containsExactly("manila");

        assertThat(jobs(cebuDead, cebuPending)).as("state and version unchanged").isEqualTo(cebuBefore);
        assertThat(deadGauge("cebu")).hasValueSatisfying(gauge -> assertThat(gauge.value()).isEqualTo(2.0));
        assertThat(manilaDead).allSatisfy(id -> assertThat(job(id).state()).isEqualTo(ForwardState.ABANDONED));
        assertThat(eventsAfter(0)).noneMatch(event -> event.contains("\"site\":\"cebu\""));
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
