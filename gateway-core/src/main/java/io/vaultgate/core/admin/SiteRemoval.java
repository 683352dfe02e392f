package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.ForwardsAbandonment;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.site.Route;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Removes whole sites of BPO providers, audited with its actor and reason: the site in one transaction, its forwards
 * before or after it, a page per transaction. Its operators are removed as {@link Offboarding} removes one.
 *
 * <p>A site is removed only once nothing is left for it to do (no active route, no batch not completed, no forward
 * pending or in flight), so that no tenant's file is stranded; then its operators are removed and the site takes no
 * route, operator or forwarding change again, nor is anything sent to it. Its id is never reused. Its dead forwards
 * (already settled as failures, and never retried for a removed site) become ABANDONED, audited as below, so that
 * none stays dead for ever in the queue's gauges and the status page.
 *
 * <p>A site that will never finish its work (out of business, contract lost) is removed with
 * {@link UnfinishedWork#ABANDON}: still not while a tenant routes to it (new files would go there), but its batches
 * not completed and its forwards not delivered become ABANDONED, each audited ({@code batch.abandoned},
 * {@code forward.abandoned}, with the fixed reason {@code site removed}: the administrator's reason stays in the
 * removal's own event, out of tenants' reports). Nothing is deleted: the tenants' files stay stored and readable by
 * their tenants.
 *
 * <p>The forwards a removal abandons go a page at a time, each page in its own transaction with its own audit records
 * ({@link PagedAbandonment}): the audit chain's head, which every upload and audited change of every node waits
 * for, is held for one page's append and commit at a time, not for the whole backlog. When the pages run depends on
 * whether the removal may still be refused after them:
 * <ul>
 *   <li>A plain removal ({@link UnfinishedWork#REFUSE}) abandons only dead forwards, which nothing needs before the
 *   site is gone. So it checks and removes the site first, in one transaction (no route, no batch not completed, no
 *   forward pending or in flight; operators removed; site marked removed), and abandons the dead forwards in pages
 *   after that commit. Every refusal comes before any change: a refused removal leaves the site exactly as it was, its
 *   dead forwards DEAD and retryable ({@code vaultgate forward retry}), however the refusal came about (a route added
 *   or a dead forward retried while the removal ran: the removal's transaction holds the site's row lock, which both
 *   share). Once the site is removed nothing can bring it back into use (routes and retries are refused for a removed
 *   site), so the pages after cannot be refused. A removal cut off between them (a crash, a restart) leaves the site
 *   removed with some of its forwards still dead: every node's maintenance pass abandons them once the removal has
 *   committed no page for 10 minutes ({@link #finishInterrupted}; each page records its time on the site's row, so a
 *   removal still running its pages keeps them), and so does the same command run again, which finds the removed
 *   site with work left ({@link #removeSite} on a removed site without such forwards is NOT_FOUND, as before). A
 *   removal only stalled that long (not cut off) stops at its next page once a pass has taken the site over, and
 *   answers CONFLICT with what it did (each run owns the site's pages in turn: {@link RemovedSiteForwards}).</li>
 *   <li>A removal with {@link UnfinishedWork#ABANDON} abandons the forwards first, pending and in flight included (a
 *   removed site's forwards would otherwise wait, unsent, until the pages reached them), each page checked as the
 *   removal is (site active, no route) under the site's row lock, then removes the site in one last transaction with
 *   whatever the pages left. Cut off or refused in between (a route added meanwhile), it leaves its committed pages
 *   abandoned and audited and the site not removed: this work was to be abandoned (the administrator said so), and
 *   running the removal again abandons the rest and then removes the site.</li>
 * </ul>
 */
public final class SiteRemoval {

    /** What a site's removal does with the work left for it. */
    public enum UnfinishedWork {
        /** Refuses the removal while a batch is not completed or a forward pending or in flight. */
        REFUSE,
        /** Abandons the site's batches not completed and forwards not delivered (pending, in flight, dead). */
        ABANDON
    }

    /**
     * What a site's removal did: the operators removed; how many batches it abandoned (with
     * {@link UnfinishedWork#ABANDON} only) with the ids of the first of them ({@code batchesAbandoned}, oldest first,
     * at most {@link #SAMPLE}); and how many forward jobs it abandoned (without {@link UnfinishedWork#ABANDON}, the dead
     * ones) with the ids of the first of them only ({@code forwardsAbandoned}, oldest first, at most {@link #SAMPLE}):
     * a site's backlog may hold millions, which the audit log records one {@code batch.abandoned} or
     * {@code forward.abandoned} each and {@code vaultgate forward list --state abandoned} lists.
     */
    public record RemovedSite(String siteId, List<String> operatorsRemoved, int sessionsEnded,
                              long batchesAbandonedCount, List<String> batchesAbandoned, long forwardsAbandonedCount,
                              List<String> forwardsAbandoned) {
        public RemovedSite {
            operatorsRemoved = List.copyOf(operatorsRemoved);
            batchesAbandoned = List.copyOf(batchesAbandoned);
            forwardsAbandoned = List.copyOf(forwardsAbandoned);
            if (batchesAbandonedCount < batchesAbandoned.size()) {
                throw new IllegalArgumentException("abandoned " + batchesAbandonedCount + " batch(es) but names "
                        + batchesAbandoned.size());
            }
            if (forwardsAbandonedCount < forwardsAbandoned.size()) {
                throw new IllegalArgumentException("abandoned " + forwardsAbandonedCount + " forward(s) but names "
                        + forwardsAbandoned.size());
            }
        }

        /** Whether more batches were abandoned than {@link #batchesAbandoned} names. */
        public boolean moreBatchesAbandoned() {
            return batchesAbandonedCount > batchesAbandoned.size();
        }

        /** Whether more forward jobs were abandoned than {@link #forwardsAbandoned} names. */
        public boolean moreForwardsAbandoned() {
            return forwardsAbandonedCount > forwardsAbandoned.size();
        }
    }

    /**
     * What a maintenance pass did for a site whose removal was cut off before its forwards were abandoned
     * ({@link #finishInterrupted}): how many it abandoned, and whether it stopped at its page limit with more left.
     */
    public record FinishedRemoval(String siteId, long forwardsAbandoned, boolean more) {
    }

    /** The fixed reason of abandoned work: it reaches tenants' transparency reports. */
    static final String SITE_REMOVED = "site removed";

    /**
     * Forward jobs a site's removal abandons at a time, each page in its own transaction: its jobs are read, changed
     * and their events appended and committed before the next page is read, so memory stays at about a page's worth
     * of jobs and events (about 2 KB each) however large the site's backlog, and the audit chain's head is held for
     * one page's append at a time.
     */
    static final int ABANDON_PAGE = 1000;

    /** Batch and forward job ids a site's removal names in its result, the oldest first; the rest are counted only. */
    public static final int SAMPLE = 100;

    private static final List<BatchState> UNFINISHED = List.of(BatchState.OPEN, BatchState.READY, BatchState.CLAIMED);

    private final Database database;
    private final Offboarding operators;
    private final BatchRepository batches;
    private final RouteRepository routes;
    private final Outbox outbox;
    private final AuditLog audit;
    private final Clock clock;
    private final PagedAbandonment pages;
    private final RemovedSiteForwards removedSites;
    private final int sample;

    /** @param operators removes the site's operators, within the site's removal */
    public SiteRemoval(Database database, Offboarding operators, BatchRepository batches, RouteRepository routes,
                       Outbox outbox, AuditLog audit, Clock clock) {
        this(database, operators, batches, routes, outbox, audit, clock, ABANDON_PAGE, SAMPLE);
    }

    /**
     * @param abandonPage forward jobs abandoned, and their events appended, at a time (tests use small pages)
     * @param sample      batch and forward job ids a removal's result names at most (tests use small samples)
     */
    SiteRemoval(Database database, Offboarding operators, BatchRepository batches, RouteRepository routes,
                Outbox outbox, AuditLog audit, Clock clock, int abandonPage, int sample) {
        this.pages = new PagedAbandonment(database, audit, clock, abandonPage, sample);
        this.removedSites = new RemovedSiteForwards(database, pages, clock);
        this.sample = sample;
        this.database = database;
        this.operators = operators;
        this.batches = batches;
        this.routes = routes;
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
    }

    /** Removes the site and its operators, refusing while work for it is unfinished ({@link UnfinishedWork#REFUSE}). */
    public RemovedSite removeSite(String siteId, String reason, String actor) {
        return removeSite(siteId, reason, actor, UnfinishedWork.REFUSE);
    }

    /**
     * Removes the site and its operators; fails with NOT_FOUND if there is no such site (or it was removed and nothing
     * of its removal is left to finish), and with CONFLICT while a tenant still routes to it or, unless {@code work}
     * is {@link UnfinishedWork#ABANDON}, work for it is unfinished. Abandoning comes before the operators' removal, so
     * a batch an operator holds is abandoned rather than released.
     *
     * <p>Without ABANDON the site is removed first, then its dead forwards abandoned in pages ({@link #removeThenPage}):
     * a refusal changes nothing. With ABANDON the forwards go first, then the site ({@link #pageThenRemove}). A site
     * removed with forwards not yet abandoned (a removal cut off between its pages) has them abandoned by either
     * ({@link #finishRemoved}).
     */
    public RemovedSite removeSite(String siteId, String reason, String actor, UnfinishedWork work) {
        String why = Lockdown.requireText(reason, "reason");
        if (database.read(jdbc -> ForwardsAbandonment.removedWithForwardsLeft(jdbc, siteId))) {
            return finishRemoved(siteId, actor);
        }
        return work == UnfinishedWork.ABANDON ? pageThenRemove(siteId, why, actor) : removeThenPage(siteId, why, actor);
    }

    /**
     * Finishes the removals cut off after the site's own transaction or during its pages (review20b L2), for every
     * node's maintenance pass: abandons the forwards left to removed sites whose removal has committed no page (nor
     * removed the site) for {@link RemovedSiteForwards#GRACE}, as their removal does (a page per transaction, one
     * {@code forward.abandoned} each, actor {@code system}), a few pages per site and pass; returns what it did per
     * site. A forward of a site not removed is never touched.
     */
    public List<FinishedRemoval> finishInterrupted() {
        return removedSites.sweep();
    }

    /**
     * A plain removal: one transaction checks everything that refuses it (under the site's row lock, which a route's
     * addition and a dead forward's retry share, so neither slips in between the check and the removal), removes the
     * operators and marks the site removed; only then, each page in its own transaction, are the site's dead forwards
     * abandoned. A refusal thus leaves the site and every forward as they were (nothing was committed before); and
     * after the commit nothing can refuse the pages or revive a forward (a removed site takes no route, and its
     * forwards are not retried). The removal's event counts the dead forwards it leaves to the pages; each page
     * audits its own. Cut off between pages, the removal run again finishes them ({@link #finishRemoved}).
     */
    private RemovedSite removeThenPage(String siteId, String why, String actor) {
        Instant now = clock.instant();
        String run = RemovedSiteForwards.newRun();
        List<String> usernames = database.inTransaction(jdbc -> {
            if (!SiteAdministration.lockActiveSite(jdbc, siteId)) {
                throw new GatewayException(Reason.NOT_FOUND, "site " + siteId + " does not exist");
            }
            requireNothingLeft(jdbc, siteId, UnfinishedWork.REFUSE, 0);
            long dead = outbox.count(jdbc, siteId, ForwardState.DEAD);
            List<AuditEvent> events = new ArrayList<>();
            List<String> removed = removeOperators(jdbc, siteId, why, actor, now, events);
            jdbc.update("UPDATE sites SET removed_at = ?, removal_run = ? WHERE id = ?", now.toEpochMilli(), run,
                    siteId);
            events.add(new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.SITE_UPDATED,
                    siteId + " removed: " + why + (dead == 0 ? ""
                            : " (" + dead + " dead forward(s) to abandon next, each audited)")));
            audit.appendAll(jdbc, events);
            return removed;
        });
        int ended = operators.endSessions(usernames, "site removed");
        PagedAbandonment.Tally forwards;
        try {
            forwards = removedSites.abandon(siteId, actor, run, false);
        } catch (RemovedSiteForwards.TakenOver e) {
            throw takenOver(siteId, "is removed (" + (usernames.isEmpty() ? "no operator"
                    : "operator(s) " + String.join(", ", usernames)) + " removed, " + ended + " session(s) ended)", e);
        }
        return new RemovedSite(siteId, usernames, ended, 0, List.of(), forwards.count(), forwards.sample());
    }

    /**
     * A plain removal's pages found the site taken over by the maintenance passes (this removal made no progress for
     * {@link RemovedSiteForwards#GRACE}: stalled between the site's transaction and a page, or between two pages) or
     * by the removal run again: it stopped, so that its answer is what it did. CONFLICT, saying what it did and who
     * does the rest.
     */
    private static GatewayException takenOver(String siteId, String removed, RemovedSiteForwards.TakenOver e) {
        String message = "site " + siteId + " " + removed + ", but its forwards were taken over before this removal "
                + "finished them (by the maintenance passes, this removal having made no progress for "
                + RemovedSiteForwards.GRACE.toMinutes() + " minutes, or by the removal run again): this removal "
                + "abandoned " + e.abandonedBefore() + " of them, each audited under its name; the rest are abandoned "
                + "by every node's maintenance pass (forward.abandoned, actor system) or by that other run";
        return new GatewayException(Reason.CONFLICT, message, message, e);
    }

    /**
     * A removal abandoning the site's work: the forwards go first, a page per transaction
     * ({@link PagedAbandonment#inPages}), each checked as the removal is (site active, no route) under the site's
     * row lock; then one transaction abandons what the pages left (jobs queued meanwhile: normally none) and the
     * batches, removes the operators and marks the site removed. A refusal or crash in between leaves the committed
     * pages abandoned and audited, the site not removed: a second run finishes.
     */
    private RemovedSite pageThenRemove(String siteId, String why, String actor) {
        List<ForwardState> states = ForwardsAbandonment.UNDELIVERED;
        PagedAbandonment.Tally forwards = pages.inPages(siteId, states, actor, (jdbc, abandonedBefore) -> {
            if (!SiteAdministration.lockActiveSite(jdbc, siteId)) {
                throw new GatewayException(Reason.NOT_FOUND, "site " + siteId + " does not exist");
            }
            requireNothingLeft(jdbc, siteId, UnfinishedWork.ABANDON, abandonedBefore);
        });
        Instant now = clock.instant();
        RemovedSite removed = database.inTransaction(jdbc -> {
            if (!SiteAdministration.lockActiveSite(jdbc, siteId)) {
                throw new GatewayException(Reason.NOT_FOUND, "site " + siteId + " does not exist");
            }
            requireNothingLeft(jdbc, siteId, UnfinishedWork.ABANDON, forwards.count());
            // every row lock and row change before the first audit append, which holds the chain's head until the
            // commit, and in the order claims (operator, batch, audit), workers (forward job, audit) and revocations
            // (the credential's row, audit) take theirs: on PostgreSQL none of them can then hold a lock this waits
            // for while waiting for one this holds; the events are collected and appended in order, after the row
            // changes (the forward jobs the pages left, normally none, are locked first and changed last)
            List<OperatorRow> siteOperators = operators.lockOperators(jdbc, siteId);
            List<Batch> unfinished = batches.lockUnfinished(jdbc, siteId);
            ForwardsAbandonment.lockToAbandon(jdbc, siteId, states);
            List<AuditEvent> events = new ArrayList<>();
            List<String> batchesAbandoned = abandonBatches(jdbc, unfinished, actor, now, events);
            List<AuditEvent> operatorEvents = new ArrayList<>();
            List<String> usernames = new ArrayList<>();
            for (OperatorRow operator : siteOperators) {
                operators.removeOperator(jdbc, operator, "site " + siteId + " removed: " + why, actor, now,
                        operatorEvents);
                usernames.add(operator.username());
            }
            jdbc.update("UPDATE sites SET removed_at = ? WHERE id = ?", now.toEpochMilli(), siteId);
            pages.rest(jdbc, siteId, states, actor, now, events, forwards);
            events.addAll(operatorEvents);
            events.add(new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.SITE_UPDATED,
                    siteId + " removed: " + why + " (abandoned " + batchesAbandoned.size() + " batch(es), "
                            + forwards.count() + " forward(s))"));
            audit.appendAll(jdbc, events);
            return new RemovedSite(siteId, usernames, 0, batchesAbandoned.size(),
                    batchesAbandoned.subList(0, Math.min(sample, batchesAbandoned.size())), forwards.count(),
                    forwards.sample());
        });
        return new RemovedSite(siteId, removed.operatorsRemoved(),
                operators.endSessions(removed.operatorsRemoved(), "site removed"), removed.batchesAbandonedCount(),
                removed.batchesAbandoned(), removed.forwardsAbandonedCount(), removed.forwardsAbandoned());
    }

    /**
     * Finishes the removal of a site removed with forwards not abandoned yet (a plain removal cut off between its
     * pages, after the site's own transaction): abandons them, a page per transaction, and changes nothing else (the
     * operators and the site went in the removal's transaction). Any undelivered state: nothing is sent to a removed
     * site, and none but dead ones are normally left (the removal refused while one was pending or in flight).
     */
    private RemovedSite finishRemoved(String siteId, String actor) {
        PagedAbandonment.Tally forwards;
        try {
            forwards = removedSites.abandon(siteId, actor);
        } catch (RemovedSiteForwards.TakenOver e) {
            throw takenOver(siteId, "was removed before", e);
        }
        return new RemovedSite(siteId, List.of(), 0, 0, List.of(), forwards.count(), forwards.sample());
    }

    /**
     * Removes the site's operators (locked first, then changed: see {@link #pageThenRemove}'s order), adding their
     * events to {@code events}; returns their usernames.
     */
    private List<String> removeOperators(Jdbc jdbc, String siteId, String why, String actor, Instant now,
                                         List<AuditEvent> events) throws SQLException {
        List<String> usernames = new ArrayList<>();
        for (OperatorRow operator : operators.lockOperators(jdbc, siteId)) {
            operators.removeOperator(jdbc, operator, "site " + siteId + " removed: " + why, actor, now, events);
            usernames.add(operator.username());
        }
        return usernames;
    }

    /**
     * Refuses, naming what is left, while a tenant routes to the site or (unless it is to be abandoned) work for it
     * is unfinished. Routes are never abandoned: files committed after the removal would still be routed there.
     */
    private void requireNothingLeft(Jdbc jdbc, String siteId, UnfinishedWork work, long abandonedBefore)
            throws SQLException {
        List<String> left = new ArrayList<>();
        for (Route route : routes.activeBySite(jdbc, siteId)) {
            left.add("route " + route.id() + " of tenant " + route.tenant() + " (vaultgate site unroute --tenant "
                    + route.tenant() + " " + route.id() + ")");
        }
        List<String> unfinished = work == UnfinishedWork.REFUSE ? unfinishedWork(jdbc, siteId) : List.of();
        if (left.isEmpty() && unfinished.isEmpty()) {
            return;
        }
        String hint = !unfinished.isEmpty() ? " (a site that will never finish its work is removed with "
                + "--abandon-work, or \"abandonWork\": true in the admin API)"
                : work == UnfinishedWork.ABANDON ? " (routes are never abandoned, or new files would still go to the "
                + "site: move or remove them first)" : "";
        left.addAll(unfinished);
        String changed = abandonedBefore == 0 ? "nothing was changed"
                : "nothing more was changed (the " + abandonedBefore + " forward(s) this removal abandoned before, "
                + "each audited, stay abandoned; the site is not removed: run the removal again once this is resolved)";
        throw new GatewayException(Reason.CONFLICT, "site " + siteId + " still has " + String.join(", ", left)
                + "; " + changed + hint);
    }

    /** The site's batches not completed and forwards not settled, counted, if there are any. */
    private List<String> unfinishedWork(Jdbc jdbc, String siteId) throws SQLException {
        List<String> left = new ArrayList<>();
        int batchesLeft = 0;
        for (BatchState state : UNFINISHED) {
            batchesLeft += batches.bySiteAndState(jdbc, siteId, state).size();
        }
        if (batchesLeft > 0) {
            left.add(batchesLeft + " batch(es) not completed");
        }
        long forwards = outbox.unsettled(jdbc, siteId);
        if (forwards > 0) {
            left.add(forwards + " forward(s) not delivered");
        }
        return left;
    }

    /**
     * Abandons the site's batches not completed (locked by the caller), adding each one's audit event to
     * {@code events}; a holder's reads end at their next lease check.
     */
    private List<String> abandonBatches(Jdbc jdbc, List<Batch> unfinished, String actor, Instant now,
                                        List<AuditEvent> events) throws SQLException {
        List<String> abandoned = new ArrayList<>();
        for (Batch batch : unfinished) {
            if (batches.transition(jdbc, batch.id(), batch.state(), BatchState.ABANDONED, batch.claimedBy(),
                    Optional.empty(), now)) {
                events.add(new AuditEvent.BatchAbandoned(now, Optional.of(batch.tenant()), actor, batch.id(),
                        batch.siteId(), batch.state().name(), batch.fileCount(), SITE_REMOVED));
                abandoned.add(batch.id());
            }
        }
        return abandoned;
    }
}
