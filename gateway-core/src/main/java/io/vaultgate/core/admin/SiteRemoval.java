package io.vaultgate.core.admin;

import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.forward.ForwardsAbandonment;
import io.vaultgate.core.forward.Outbox;
import java.time.Clock;
import java.util.List;

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
 *   <li>A plain removal ({@link UnfinishedWork#REFUSE}, {@link PlainSiteRemoval}) abandons only dead forwards, which
 *   nothing needs before the site is gone. So it checks and removes the site first, in one transaction (no route, no
 *   batch not completed, no forward pending or in flight; operators removed; site marked removed), and abandons the
 *   dead forwards in pages after that commit. Every refusal comes before any change: a refused removal leaves the site
 *   exactly as it was, its dead forwards DEAD and retryable ({@code vaultgate forward retry}), however the refusal came
 *   about (a route added or a dead forward retried while the removal ran: the removal's transaction holds the site's
 *   row lock, which both share). Once the site is removed nothing can bring it back into use (routes and retries are
 *   refused for a removed site), so the pages after cannot be refused. A removal cut off between them (a crash, a
 *   restart) leaves the site removed with some of its forwards still dead: every node's maintenance pass abandons them
 *   once the removal has committed no page for 10 minutes ({@link #finishInterrupted}; each page records its time on
 *   the site's row, so a removal still running its pages keeps them), and so does the same command run again, which
 *   finds the removed site with work left ({@link #removeSite} on a removed site without such forwards is NOT_FOUND, as
 *   before). A removal only stalled that long (not cut off) stops at its next page once a pass has taken the site over,
 *   and answers CONFLICT with what it did (each run owns the site's pages in turn: {@link RemovedSiteForwards}). The
 *   command run again takes the pages only from a run with no progress for 2 minutes (stalled, or its process killed),
 *   or one that failed; while a run makes progress, it is refused (CONFLICT, changing nothing) with that run's progress
 *   ({@link RemovalInProgress}), so that the run keeps its forwards, its count and its name on their records.</li>
 *   <li>A removal with {@link UnfinishedWork#ABANDON} ({@link AbandoningSiteRemoval}) abandons the forwards first,
 *   pending and in flight included (a removed site's forwards would otherwise wait, unsent, until the pages reached
 *   them), each page checked as the removal is (site active, no route) under the site's row lock, then removes the site
 *   in one last transaction with whatever the pages left. Cut off or refused in between (a route added meanwhile), it
 *   leaves its committed pages abandoned and audited and the site not removed: this work was to be abandoned (the
 *   administrator said so), and running the removal again abandons the rest and then removes the site.</li>
 * </ul>
 * What refuses either is checked by {@link SiteRemovalChecks}.
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

    private final PlainSiteRemoval plain;
    private final AbandoningSiteRemoval abandoning;
    private final RemovedSiteForwards removedSites;
    private final Database database;

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
        PagedAbandonment pages = new PagedAbandonment(database, audit, clock, abandonPage, sample);
        SiteRemovalChecks checks = new SiteRemovalChecks(batches, routes, outbox);
        this.removedSites = new RemovedSiteForwards(database, pages, clock);
        this.plain = new PlainSiteRemoval(database, operators, outbox, audit, clock, checks, removedSites);
        this.abandoning = new AbandoningSiteRemoval(database, operators, batches, audit, clock, pages, checks, sample);
        this.database = database;
    }

    /** Removes the site and its operators, refusing while work for it is unfinished ({@link UnfinishedWork#REFUSE}). */
    public RemovedSite removeSite(String siteId, String reason, String actor) {
        return removeSite(siteId, reason, actor, UnfinishedWork.REFUSE);
    }

    /**
     * Removes the site and its operators; fails with NOT_FOUND if there is no such site (or it was removed and nothing
     * of its removal is left to finish), and with CONFLICT while a tenant still routes to it or, unless {@code work}
     * is {@link UnfinishedWork#ABANDON}, work for it is unfinished, or (the site removed) while another run of its
     * removal makes progress. Abandoning comes before the operators' removal, so a batch an operator holds is abandoned
     * rather than released.
     *
     * <p>Without ABANDON the site is removed first, then its dead forwards abandoned in pages
     * ({@link PlainSiteRemoval#remove}): a refusal changes nothing. With ABANDON the forwards go first, then the site
     * ({@link AbandoningSiteRemoval#remove}). A site removed with forwards not yet abandoned (a removal cut off between
     * its pages) has them abandoned by either ({@link PlainSiteRemoval#finish}).
     */
    public RemovedSite removeSite(String siteId, String reason, String actor, UnfinishedWork work) {
        String why = Lockdown.requireText(reason, "reason");
        if (database.read(jdbc -> ForwardsAbandonment.removedWithForwardsLeft(jdbc, siteId))) {
            return plain.finish(siteId, actor);
        }
        return work == UnfinishedWork.ABANDON ? abandoning.remove(siteId, why, actor)
                : plain.remove(siteId, why, actor);
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
}
