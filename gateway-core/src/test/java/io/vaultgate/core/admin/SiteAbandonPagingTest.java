package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.admin.SiteRemoval.RemovedSite;
import io.vaultgate.core.admin.SiteRemoval.UnfinishedWork;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Dialect;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.RecordingAuditLog;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site removed with a backlog larger than a page ({@code site remove --abandon-work}) is abandoned a page at a
 * time, each page in its own transaction with its own audit records: no audit append carries more than a page of
 * {@code forward.abandoned} events (so memory stays at a page's worth, not the whole backlog's), each page is committed
 * before the next starts (so the audit chain's head, which every upload and login waits for, is held for a page at a
 * time), and the result is the same as in one go: every undelivered job abandoned and audited once, oldest first, the
 * removal's own event last. A removal cut off between pages leaves those pages done and the site in place, and a
 * second run finishes. The result names the first jobs only and counts them all. A plain removal (without
 * {@code --abandon-work}) removes the site first and abandons its dead forwards after, so that a refusal never leaves
 * abandoned forwards behind for a site still in use. Runs on SQLite and, with
 * {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class SiteAbandonPagingTest {

    private static final int PAGE = 3;
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal client;
    private HookedAuditLog hooked;
    private RecordingAuditLog recording;
    private SiteRemoval removal;
    private SiteBacklog manila;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().addOperatorSshKey("maria", KEY);
        manila = new SiteBacklog(test, client, "manila");
        hooked = new HookedAuditLog(test.core().audit());
        recording = new RecordingAuditLog(hooked);
        removal = removal(PAGE, SiteRemoval.SAMPLE);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aBacklogOfSeveralPages_isAbandonedAPageAtATime_everyJobOnceOldestFirst_theRemovalsEventLast() {
        List<String> undelivered = undeliveredBacklog();
        ForwardJob delivered = outbox().list(Optional.of(ForwardState.DELIVERED), 10).get(0);
        long before = lastSeq();

        RemovedSite removed = removal.removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON);

        assertThat(removed.forwardsAbandoned()).containsExactlyElementsOf(undelivered);
        assertThat(removed.forwardsAbandonedCount()).isEqualTo(8);
        assertThat(removed.moreForwardsAbandoned()).isFalse();
        assertThat(recording.eventsPerAppend(AuditEvent.ForwardAbandoned.class))
                .as("forward.abandoned events per append")
                .hasSizeGreaterThanOrEqualTo(3).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(PAGE));
        assertThat(recording.singles()).as("no event appended on its own").isZero();
        assertThat(recording.eventsPerAppend().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo((int) (lastSeq() - before));
        assertThat(undelivered).allSatisfy(id -> assertThat(outbox().find(id).orElseThrow().state())
                .isEqualTo(ForwardState.ABANDONED));
        assertThat(outbox().find(delivered.id()).orElseThrow().state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(jobsInChainAfter(before)).containsExactlyElementsOf(undelivered);
        List<String> kinds = kindsAfter(before);
        assertThat(kinds.subList(0, 8)).containsOnly("forward.abandoned");
        assertThat(kinds).last().isEqualTo("admin.change");
        assertThat(lastEvent()).contains("manila removed: bankrupt (abandoned 0 batch(es), 8 forward(s))");
        assertThat(outbox().claim("manila", "test-node", 20, Duration.ofMinutes(1),
                Instant.now().plus(Duration.ofDays(1)))).as("nothing left to send").isEmpty();
    }

    /**
     * Each page is its own transaction: when the second page's events are appended, the first page's jobs and audit
     * records are committed already (seen from another connection), so the chain's head was let go in between.
     * Failed before the change (one transaction: nothing committed until the end).
     */
    @Test
    void eachPage_isCommittedWithItsAuditRecords_beforeTheNextPageStarts() {
        undeliveredBacklog();
        long before = lastSeq();
        List<long[]> seen = new CopyOnWriteArrayList<>();
        hooked.beforeForwardAppend(n -> seen.add(new long[] {n, lastSeq() - before, test.database().read(jdbc ->
                jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE site_id = 'manila' AND state = 'ABANDONED'"))}));

        removal.removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON);

        assertThat(seen).as("before the 1st, 2nd, 3rd page's append: committed records and abandoned jobs")
                .extracting(page -> List.of(page[0], page[1], page[2]))
                .startsWith(List.of(1L, 0L, 0L), List.of(2L, (long) PAGE, (long) PAGE),
                        List.of(3L, 2L * PAGE, 2L * PAGE));
    }

    /**
     * PostgreSQL (SQLite serializes every writer anyway): between two pages another audited action (a failed login,
     * an upload's commit) appends at once, instead of waiting for the whole removal. Failed before the change: the
     * removal held the chain's head from its first page's append to its commit, and the append timed out.
     */
    @Test
    void onPostgreSQL_anotherAuditedAction_appendsBetweenPages_withoutWaitingForTheRemoval() throws Exception {
        assumeTrue(test.database().dialect() == Dialect.POSTGRESQL, "row locks: PostgreSQL only");
        undeliveredBacklog();
        ExecutorService other = Executors.newSingleThreadExecutor();
        List<String> appended = new CopyOnWriteArrayList<>();
        try {
            hooked.beforeForwardAppend(n -> {
                if (n != 2) {
                    return;
                }
                Future<?> login = other.submit(() -> test.core().audit().append(new AuditEvent.AuthFailed(Instant.now(),
                        Optional.empty(), "mallory", Protocol.SFTP, "192.0.2.7", AuthFailure.UNKNOWN_USER)));
                try {
                    login.get(10, TimeUnit.SECONDS);
                    appended.add("appended");
                } catch (TimeoutException e) {
                    appended.add("timed out: the head is held");
                } catch (InterruptedException | ExecutionException e) {
                    appended.add("failed: " + e);
                }
            });

            removal.removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON);
        } finally {
            other.shutdown();
            assertThat(other.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(appended).containsExactly("appended");
        assertThat(outbox().count(ForwardState.ABANDONED)).isEqualTo(8);
    }

    /**
     * A removal cut off between pages (here its third page's append fails, as a crash there would end it) leaves the
     * pages it committed abandoned and audited, and the site with its operators in place; run again, it abandons the
     * rest, each job audited once in all, and removes the site. Failed before the change (one transaction: the cut
     * rolled every page back).
     */
    @Test
    void aRemovalCutOffBetweenPages_keepsItsPagesDone_leavesTheSite_andASecondRunFinishes() {
        List<String> undelivered = undeliveredBacklog();
        long before = lastSeq();
        hooked.beforeForwardAppend(n -> {
            if (n == 3) {
                throw new IllegalStateException("cut off (test)");
            }
        });

        assertThatThrownBy(() -> removal.removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON))
                .hasMessageContaining("cut off (test)");

        assertThat(undelivered.subList(0, 2 * PAGE)).as("the pages committed").allSatisfy(id ->
                assertThat(outbox().find(id).orElseThrow().state()).isEqualTo(ForwardState.ABANDONED));
        assertThat(undelivered.subList(2 * PAGE, undelivered.size())).as("the page cut off").allSatisfy(id ->
                assertThat(outbox().find(id).orElseThrow().state()).isNotEqualTo(ForwardState.ABANDONED));
        assertThat(jobsInChainAfter(before)).containsExactlyElementsOf(undelivered.subList(0, 2 * PAGE));
        assertThat(kindsAfter(before)).containsOnly("forward.abandoned");
        long notRemoved = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM sites WHERE id = 'manila' "
                + "AND removed_at IS NULL"));
        assertThat(notRemoved).as("the site not removed").isEqualTo(1);
        assertThat(operators(Optional.of("manila"))).extracting(OperatorRepository.OperatorRow::username)
                .containsExactly("maria");

        hooked.beforeForwardAppend(n -> { });
        RemovedSite removed = removal.removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON);

        assertThat(removed.forwardsAbandonedCount()).isEqualTo(undelivered.size() - 2 * PAGE);
        assertThat(removed.forwardsAbandoned()).containsExactlyElementsOf(undelivered.subList(2 * PAGE,
                undelivered.size()));
        assertThat(removed.operatorsRemoved()).containsExactly("maria");
        assertThat(undelivered).allSatisfy(id -> assertThat(outbox().find(id).orElseThrow().state())
                .isEqualTo(ForwardState.ABANDONED));
        assertThat(jobsInChainAfter(before)).as("each job audited once").containsExactlyElementsOf(undelivered);
        assertThat(lastEvent()).contains("manila removed: bankrupt (abandoned 0 batch(es), 2 forward(s))");
        assertThat(operators(Optional.of("manila"))).isEmpty();
    }

    /**
     * The result names the first jobs only (oldest first; {@link SiteRemoval#SAMPLE} in production) and counts every
     * one: a site with a million pending jobs does not return a million ids, in memory or in the response.
     */
    @Test
    void theResult_namesTheFirstJobsOnly_andCountsThemAll() {
        List<String> undelivered = undeliveredBacklog();

        RemovedSite removed = removal(PAGE, 2).removeSite("manila", "bankrupt", "cli:test",
                UnfinishedWork.ABANDON);

        assertThat(removed.forwardsAbandonedCount()).isEqualTo(8);
        assertThat(removed.forwardsAbandoned()).containsExactlyElementsOf(undelivered.subList(0, 2));
        assertThat(removed.moreForwardsAbandoned()).isTrue();
        assertThat(undelivered).allSatisfy(id -> assertThat(outbox().find(id).orElseThrow().state())
                .isEqualTo(ForwardState.ABANDONED));
    }

    @Test
    void aPlainRemoval_abandonsDeadForwardsAPageAtATime_andLeavesNoneDead() {
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);
        for (int i = 0; i < 7; i++) {
            upload("/inbox/d" + i + ".csv");
        }
        test.core().sites().removeRoute(client.tenant(), route.id());
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ForwardJob job = manila.claimOne();
            outbox().fail(job, "refused", true, Instant.now());
            dead.add(job.id());
        }

        RemovedSite removed = removal.removeSite("manila", "contract ended", "cli:test");

        assertThat(removed.forwardsAbandoned()).containsExactlyInAnyOrderElementsOf(dead);
        assertThat(removed.forwardsAbandonedCount()).isEqualTo(7);
        assertThat(recording.eventsPerAppend(AuditEvent.ForwardAbandoned.class))
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(PAGE));
        assertThat(outbox().count(ForwardState.DEAD)).isZero();
        assertThat(outbox().count(ForwardState.ABANDONED)).isEqualTo(7);
    }

    /**
     * Review L3: a route added while a plain removal abandons its dead forwards (here by a transaction committed right
     * after the first page's: the hook adds it in that page's transaction, under the site's row lock, as
     * {@code site route} does) must never leave abandoned forwards behind for a site that stays in use. The removal
     * removed the site before its first page, so the route comes too late and is refused, and every dead forward is
     * abandoned. Failed before the change: the pages ran first, the route was added after the first, the next page
     * refused the removal, and its first page's jobs stayed ABANDONED for a site still taking routes.
     */
    @Test
    void aRouteAddedWhileAPlainRemovalAbandonsItsPages_neverLeavesAbandonedForwardsForASiteInUse() {
        List<String> dead = manila.dead(7);
        List<String> routeAdded = new CopyOnWriteArrayList<>();
        hooked.beforeForwardAppendIn((n, jdbc) -> {
            if (n != 1) {
                return;
            }
            if (SiteAdministration.lockActiveSite(jdbc, "manila")) {
                Route route = new Route("rt_added_meanwhile", client.tenant(), "manila", RouteMode.PUSH,
                        PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);
                new RouteRepository().insert(jdbc, route, Instant.now());
                routeAdded.add(route.id());
            } else {
                routeAdded.add("refused: site removed");
            }
        });

        Throwable thrown = catchThrowable(() -> removal.removeSite("manila", "contract ended", "cli:test"));

        long abandoned = jobsOfManila(ForwardState.ABANDONED);
        assertThat(siteRemoved() || abandoned == 0).as("abandoned %d forward(s) of a site not removed (%s, %s)",
                abandoned, thrown, routeAdded).isTrue();
        assertThat(thrown).isNull();
        assertThat(routeAdded).containsExactly("refused: site removed");
        assertThat(siteRemoved()).isTrue();
        assertThat(dead).allSatisfy(id -> assertThat(outbox().find(id).orElseThrow().state())
                .isEqualTo(ForwardState.ABANDONED));
        assertThat(outbox().count(ForwardState.DEAD)).isZero();
    }

    /**
     * A plain removal refused (a route was added since the administrator removed the last one) leaves the site exactly
     * as it was: nothing abandoned or audited as abandoned, its operator in place, its dead forwards DEAD and
     * retryable; once the route is gone again, the removal goes through.
     */
    @Test
    void aRefusedPlainRemoval_leavesTheSiteAndItsDeadForwardsAsTheyWere_andARetryWorks() {
        List<String> dead = manila.dead(7);
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);
        long before = lastSeq();

        assertThatThrownBy(() -> removal.removeSite("manila", "contract ended", "cli:test"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getMessage()).contains("route " + route.id(), "nothing was changed");
                });

        assertThat(lastSeq()).as("nothing audited").isEqualTo(before);
        assertThat(jobsOfManila(ForwardState.ABANDONED)).isZero();
        assertThat(dead).allSatisfy(id -> assertThat(outbox().find(id).orElseThrow().state())
                .isEqualTo(ForwardState.DEAD));
        assertThat(siteRemoved()).isFalse();
        assertThat(operators(Optional.of("manila"))).extracting(OperatorRepository.OperatorRow::username)
                .containsExactly("maria");
        ForwardJob retried = outbox().retry(dead.get(0), Instant.now());
        assertThat(retried.state()).isEqualTo(ForwardState.PENDING);
        ForwardJob sent = manila.claimOne();
        assertThat(sent.id()).isEqualTo(dead.get(0));
        outbox().complete(sent, Optional.empty(), Instant.now());

        test.core().sites().removeRoute(client.tenant(), route.id());
        RemovedSite removed = removal.removeSite("manila", "contract ended", "cli:test");

        assertThat(removed.forwardsAbandonedCount()).isEqualTo(6);
        assertThat(removed.forwardsAbandoned()).containsExactlyElementsOf(dead.subList(1, 7));
        assertThat(removed.operatorsRemoved()).containsExactly("maria");
        assertThat(outbox().find(dead.get(0)).orElseThrow().state()).isEqualTo(ForwardState.DELIVERED);
    }

    /**
     * A plain removal cut off between its pages (here its second page's append fails, as a crash there would end it)
     * has removed the site already (operators gone, no route or retry taken), its first page abandoned and the rest
     * still dead; run again it abandons the rest, each job audited once in all, and a third run finds nothing to do.
     * Failed before the change: the pages came first, and the cut left the site in place.
     */
    @Test
    void aPlainRemovalCutOffBetweenPages_hasRemovedTheSite_andASecondRunAbandonsTheRest() {
        List<String> dead = manila.dead(7);
        long before = lastSeq();
        hooked.beforeForwardAppend(n -> {
            if (n == 2) {
                throw new IllegalStateException("cut off (test)");
            }
        });

        assertThatThrownBy(() -> removal.removeSite("manila", "contract ended", "cli:test"))
                .hasMessageContaining("cut off (test)");

        assertThat(siteRemoved()).isTrue();
        assertThat(operators(Optional.of("manila"))).isEmpty();
        assertThat(dead.subList(0, PAGE)).allSatisfy(id -> assertThat(outbox().find(id).orElseThrow().state())
                .isEqualTo(ForwardState.ABANDONED));
        assertThat(dead.subList(PAGE, 7)).allSatisfy(id -> assertThat(outbox().find(id).orElseThrow().state())
                .isEqualTo(ForwardState.DEAD));
        assertThatThrownBy(() -> outbox().retry(dead.get(6), Instant.now())).isInstanceOfSatisfying(
                GatewayException.class, e -> assertThat(e.getMessage()).contains("was removed"));
        assertThatThrownBy(() -> test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO)).hasMessageContaining("does not exist");

        hooked.beforeForwardAppend(n -> { });
        RemovedSite removed = removal.removeSite("manila", "contract ended", "cli:test");

        assertThat(removed.forwardsAbandonedCount()).isEqualTo(7 - PAGE);
        assertThat(removed.forwardsAbandoned()).containsExactlyElementsOf(dead.subList(PAGE, 7));
        assertThat(removed.operatorsRemoved()).isEmpty();
        assertThat(outbox().count(ForwardState.DEAD)).isZero();
        assertThat(jobsInChainAfter(before)).as("each job audited once").containsExactlyElementsOf(dead);
        assertThat(kindsAfter(before).get(0)).isEqualTo("admin.change");
        assertThatThrownBy(() -> removal.removeSite("manila", "contract ended", "cli:test"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
                    assertThat(e.getMessage()).contains("site manila does not exist");
                });
    }

    /**
     * The batches a removal abandons are counted and the first of them named (oldest first), as its forwards are: a
     * site may hold many. Failed before the change (every id in the result; no count).
     */
    @Test
    void theResult_namesTheFirstBatchesOnly_andCountsThemAll() {
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL,
                PathPolicy.parse("/inbox"), 1, 0, Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            upload("/inbox/b" + i + ".csv");
        }
        test.core().sites().removeRoute(client.tenant(), route.id());
        List<String> batches = test.database().read(jdbc -> jdbc.query("SELECT id FROM batches WHERE site_id = "
                + "'manila' ORDER BY created_at, id", row -> row.getString(1)));
        assertThat(batches).hasSize(5);

        RemovedSite removed = removal(PAGE, 2).removeSite("manila", "bankrupt", "cli:test",
                UnfinishedWork.ABANDON);

        assertThat(removed.batchesAbandonedCount()).isEqualTo(5);
        assertThat(removed.batchesAbandoned()).containsExactlyElementsOf(batches.subList(0, 2));
        assertThat(removed.moreBatchesAbandoned()).isTrue();
        long abandoned = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM batches WHERE site_id = "
                + "'manila' AND state = 'ABANDONED'"));
        assertThat(abandoned).isEqualTo(5);
        assertThat(lastEvent()).contains("manila removed: bankrupt (abandoned 5 batch(es), 0 forward(s))");
    }

    private long jobsOfManila(ForwardState state) {
        return test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE site_id = 'manila' "
                + "AND state = ?", state.name()));
    }

    private boolean siteRemoved() {
        return test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM sites WHERE id = 'manila' "
                + "AND removed_at IS NOT NULL")) == 1;
    }

    /**
     * Nine files routed to the site, the route removed, then one job delivered, one dead, one in flight and six
     * pending: returns the eight undelivered ones' ids, oldest first.
     */
    private List<String> undeliveredBacklog() {
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);
        for (int i = 0; i < 9; i++) {
            upload("/inbox/f" + i + ".csv");
        }
        test.core().sites().removeRoute(client.tenant(), route.id());
        ForwardJob delivered = manila.claimOne();
        outbox().complete(delivered, Optional.empty(), Instant.now());
        ForwardJob dead = manila.claimOne();
        outbox().fail(dead, "refused", true, Instant.now());
        manila.claimOne(); // one in flight
        List<String> undelivered = test.database().read(jdbc -> jdbc.query("SELECT id FROM forward_jobs WHERE "
                + "site_id = 'manila' AND state <> 'DELIVERED' ORDER BY created_at, id", row -> row.getString(1)));
        assertThat(undelivered).hasSize(8);
        return undelivered;
    }

    private SiteRemoval removal(int page, int sample) {
        Offboarding offboarding = new Offboarding(test.database(), new OperatorRepository(), new BatchRepository(),
                test.core().incidents().revocation(), test.core().incidents().mfa(), recording, Clock.systemUTC());
        return new SiteRemoval(test.database(), offboarding, new BatchRepository(), new RouteRepository(), outbox(),
                recording, Clock.systemUTC(), page, sample);
    }

    private List<OperatorRepository.OperatorRow> operators(Optional<String> siteId) {
        return test.core().incidents().offboarding().operators(siteId);
    }

    /** The jobs of the {@code forward.abandoned} records after {@code seq}, in the chain's order. */
    private List<String> jobsInChainAfter(long seq) {
        return test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE seq > ? AND kind = "
                        + "'forward.abandoned' ORDER BY seq", row -> row.getString(1), seq))
                .stream().map(event -> event.replaceAll(".*\"job\":\"([^\"]+)\".*", "$1")).toList();
    }

    private List<String> kindsAfter(long seq) {
        return test.database().read(jdbc -> jdbc.query("SELECT kind FROM audit_events WHERE seq > ? ORDER BY seq",
                row -> row.getString(1), seq));
    }

    private String lastEvent() {
        return test.database().read(jdbc -> jdbc.queryOne("SELECT event FROM audit_events WHERE seq = ?",
                row -> row.getString(1), lastSeq())).orElseThrow();
    }

    private Outbox outbox() {
        return test.core().forwarding().outbox();
    }

    private long lastSeq() {
        return test.database().read(jdbc -> jdbc.count("SELECT seq FROM audit_head"));
    }

    private void upload(String path) {
        try (Upload upload = test.core().ingest().open(client, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            upload.commit();
        }
    }
}
