package io.vaultgate.core.admin;

import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.ForwardsAbandonment;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Abandons the forwards left to removed sites: a plain removal's, in pages after the site's own transaction
 * ({@link SiteRemoval}), and those such a removal left when it was cut off between the two (a crash, a restart;
 * review20b L2). Left alone these would stay DEAD, counted as dead by {@code vaultgate.forward.queue} and the status
 * page, though nothing can retry them any more. The same command run again finishes them, and so does every node's
 * maintenance pass ({@link #sweep}), without anyone having to notice.
 *
 * <p>A removed site's forwards in any undelivered state are abandoned (nothing is sent to a removed site; normally only
 * dead ones are left, a plain removal being refused while one is pending or in flight), as the removal abandons them:
 * a page per transaction, each page checking first that the site is removed (a forward of a site in use is never
 * touched), one {@code forward.abandoned} record per job with the fixed reason {@code site removed}. Of two runs at
 * once (two nodes' passes, a pass and the command) each job is abandoned and audited once: a page's change is a
 * compare-and-set on the job's version, of rows the page locked ({@code ConcurrentSiteSweepTest}).
 *
 * <p>The sweep leaves a site to its removal while that removal makes progress: each page of a removal (the command,
 * first run or again) records its time on the site's row ({@code sites.removal_progress_at}, migration V31) in the
 * page's transaction, and the sweep takes only sites whose removal has committed no page for {@link #GRACE} (or, before
 * its first page, was removed that long ago). A removal still running its pages, however long its backlog (millions of
 * dead forwards take longer than {@link #GRACE}), keeps them its own: counted in its answer and audited under the
 * administrator's name, not the gateway's {@code system} (review21c M1). The sweep's own pages record nothing there, so
 * that one node's pass does not keep the others' off a site whose removal is gone.
 *
 * <p>A removal that made no progress for {@link #GRACE} may be cut off or only stalled (its process paused, its thread
 * held up between two pages); nothing the catalog holds tells the two apart: a heartbeat of the removing node stops
 * as well when its process is paused. So the site has one owner at a time instead: each run of the removal has an id
 * ({@code sites.removal_run}, migration V32), set with the site's removal (or, by the command run again, at its first
 * page), and each of its pages checks, with the progress it records, that the id is still its own. The sweep's first
 * page on a quiet removal clears it, and a run stalled past the grace then stops at its next page ({@link TakenOver})
 * instead of sharing the pages with the passes, so that what it answers is what it did.
 *
 * <p>The command run again takes the site (a new id, and progress that keeps the passes off) only from a run that is
 * no longer making progress: one whose last page (or, before any, the site's removal) is {@link #STALLED} old, one that
 * a pass took over (no id), or one that failed (a run that stops on an error it can report gives the site up:
 * {@link #release}). From a run still making progress it takes nothing and is refused ({@link RemovalInProgress}, with
 * that run's progress), so that the run keeps its forwards, its count and its name on their records, instead of
 * stopping at its next page with CONFLICT. A run whose process was killed gives nothing up; the command run again
 * takes its site {@link #STALLED} after its last page.
 */
final class RemovedSiteForwards {

    private static final Logger LOG = LoggerFactory.getLogger(RemovedSiteForwards.class);

    /**
     * Pages a maintenance pass abandons per site at most: a backlog of millions is then finished over several passes
     * instead of holding the maintenance thread (batch closing, retention, audit checkpoints) for all of it.
     */
    static final int PAGES_PER_PASS = 10;

    /**
     * How long after its removal's last page (or, before any page, after its removal) the sweep leaves a removed site's
     * forwards to that removal.
     */
    static final Duration GRACE = Duration.ofMinutes(10);

    /**
     * How long after its run's last page (or, before any, after the site's removal) the command run again takes the
     * site from that run: a page commits within seconds (a page's reads, changes and audit records), so a run with no
     * page for this long is stalled or gone. Shorter than {@link #GRACE}, so that an administrator whose removal was
     * killed goes on before the passes would.
     */
    static final Duration STALLED = Duration.ofMinutes(2);

    private final Database database;
    private final PagedAbandonment pages;
    private final Clock clock;

    RemovedSiteForwards(Database database, PagedAbandonment pages, Clock clock) {
        this.database = database;
        this.pages = pages;
        this.clock = clock;
    }

    /** A new run's id, for {@code sites.removal_run}: random, so that no two runs ever share one. */
    static String newRun() {
        return UUID.randomUUID().toString();
    }

    /**
     * Abandons every forward left to the removed site {@code siteId}, a page per transaction, for {@code actor}: the
     * removal run again on a removed site, which takes the site for a run of its own at its first page (from a
     * maintenance pass that took it over, from no run, or from an earlier run that made no progress for
     * {@link #STALLED}).
     *
     * @throws RemovalInProgress where its first page finds the site another run's, making progress: nothing changed
     * @throws TakenOver         where a later page finds the site taken over meanwhile (this run stalled)
     */
    PagedAbandonment.Tally abandon(String siteId, String actor) {
        return abandon(siteId, actor, newRun(), true);
    }

    /**
     * Abandons every forward left to the removed site {@code siteId}, a page per transaction, for {@code actor}: the
     * pages of the run {@code run} of the site's removal, each recording the removal's progress on the site's row so
     * that no maintenance pass takes over while it runs, and checking that the site is still the run's. With
     * {@code claim} the first page takes the site for the run; without it, the run took it with the site's removal.
     *
     * <p>A run that fails otherwise gives the site up ({@link #release}).
     *
     * @throws TakenOver         where a page finds that a maintenance pass took the site over (this run made no
     *                           progress for {@link #GRACE}) or another run of the removal took it (this run made no
     *                           progress for {@link #STALLED}): nothing more is abandoned by this run
     * @throws RemovalInProgress with {@code claim}, where the first page finds the site another run's, making progress
     */
    PagedAbandonment.Tally abandon(String siteId, String actor, String run, boolean claim) {
        AtomicBoolean claimNext = new AtomicBoolean(claim);
        try {
            return pages.inPages(siteId, ForwardsAbandonment.UNDELIVERED, actor,
                    (jdbc, abandonedBefore) -> recordProgress(jdbc, siteId, run, claimNext.getAndSet(false),
                            abandonedBefore));
        } catch (TakenOver | RemovalInProgress notOurs) {
            throw notOurs;
        } catch (RuntimeException e) {
            release(siteId, run, e);
            throw e;
        }
    }

    /**
     * Gives up the site's pages of the run {@code run}, which stops on {@code failure} (a catalog error, a failed
     * page): the command run again then takes the site at once instead of {@link #STALLED} after the run's last page.
     * The progress stays, so the passes still leave the site alone for {@link #GRACE} after it. Changes nothing where
     * the site is no longer the run's. A release that fails too (the catalog unreachable) is added to {@code failure};
     * the site is then taken {@link #STALLED} after the run's last page.
     */
    void release(String siteId, String run, RuntimeException failure) {
        try {
            database.inTransaction(jdbc -> jdbc.update("UPDATE sites SET removal_run = NULL WHERE id = ? "
                    + "AND removal_run = ?", siteId, run));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * One maintenance pass: abandons the forwards left to every removed site whose removal has made no progress for
     * {@link #GRACE} (no page committed, nor the site removed, since), at most {@link #PAGES_PER_PASS} pages each, as
     * the gateway ({@code system}); returns what it did per site. A site whose pages fail is logged and left to the
     * next pass, and the others go on.
     */
    List<SiteRemoval.FinishedRemoval> sweep() {
        List<SiteRemoval.FinishedRemoval> finished = new ArrayList<>();
        Instant quietSince = clock.instant().minus(GRACE);
        for (String siteId : database.read(jdbc -> ForwardsAbandonment.removedSitesWithForwardsLeft(jdbc,
                quietSince))) {
            try {
                PagedAbandonment.Tally tally = sweep(siteId);
                finished.add(new SiteRemoval.FinishedRemoval(siteId, tally.count(), tally.more()));
                if (tally.count() > 0) {
                    LOG.info("site {}: abandoned {} forward(s) its removal left (cut off, or no page of it for {} "
                            + "minutes), each audited as forward.abandoned{}", siteId, tally.count(),
                            GRACE.toMinutes(), tally.more() ? "; more at the next maintenance pass" : "");
                }
            } catch (RemovalRunning running) {
                LOG.info("site {}: its removal is running again; this pass leaves its forwards to it", siteId);
            } catch (RuntimeException e) {
                LOG.warn("site {}: abandoning the forwards its removal left failed; retrying at the next maintenance "
                        + "pass: {}", siteId, e.toString());
            }
        }
        return finished;
    }

    /**
     * One site's share of a maintenance pass: at most {@link #PAGES_PER_PASS} pages of the removed site's forwards, as
     * {@code system}, each page checking first that the site is removed and its removal still quiet; records no
     * progress of the removal.
     *
     * @throws RemovalRunning where a page finds the removal run again since the pass chose the site (its page time
     *                        within {@link #GRACE}): the rest is the removal's, audited as its administrator's
     */
    PagedAbandonment.Tally sweep(String siteId) {
        Instant quietSince = clock.instant().minus(GRACE);
        return pages.inPages(siteId, ForwardsAbandonment.UNDELIVERED, AuditEvents.SYSTEM,
                (jdbc, abandonedBefore) -> requireQuietRemoval(jdbc, siteId, quietSince), PAGES_PER_PASS);
    }

    /**
     * A removal's page's check: the site is removed (for good: a removal is final), or none of its forwards is touched,
     * and still the run's (or, with {@code claim}, taken for it now, unless another run owns it and made progress
     * within {@link #STALLED}); records the page's time as the removal's progress, committed with the page. The claim
     * is one conditional update of the site's row: of two runs claiming at once, the second waits for the first's page
     * to commit (PostgreSQL's row lock, SQLite's write lock) and then finds its progress. The progress a refusal reports
     * counts the forwards abandoned since the site's removal (review24b L4: not those abandoned before it, a job whose
     * file was deleted or a refused {@code --abandon-work} run's pages), all of them by its runs or the passes: an
     * abandoned job is final, its {@code updated_at} the time of its abandonment, and both times are the catalog's
     * ({@link io.vaultgate.core.node.CatalogClock}).
     */
    private void recordProgress(Jdbc jdbc, String siteId, String run, boolean claim, long abandonedBefore)
            throws SQLException {
        Instant now = clock.instant();
        int recorded = claim
                ? jdbc.update("UPDATE sites SET removal_progress_at = ?, removal_run = ? WHERE id = ? "
                        + "AND removed_at IS NOT NULL AND (removal_run IS NULL "
                        + "OR COALESCE(removal_progress_at, removed_at) < ?)", now.toEpochMilli(), run, siteId,
                        now.minus(STALLED).toEpochMilli())
                : jdbc.update("UPDATE sites SET removal_progress_at = ? WHERE id = ? AND removed_at IS NOT NULL "
                        + "AND removal_run = ?", now.toEpochMilli(), siteId, run);
        if (recorded == 0) {
            Optional<RemovalInProgress.Progress> progress = jdbc.queryOne("SELECT removed_at, removal_progress_at "
                    + "FROM sites WHERE id = ? AND removed_at IS NOT NULL", row -> {
                        Instant removedAt = Instant.ofEpochMilli(row.getLong(1));
                        long pageAt = row.getLong(2);
                        return new RemovalInProgress.Progress(removedAt, row.wasNull() ? Optional.empty()
                                : Optional.of(Instant.ofEpochMilli(pageAt)), 0, 0);
                    }, siteId);
            if (progress.isEmpty()) {
                throw notRemoved(siteId);
            }
            if (!claim) {
                throw new TakenOver(siteId, abandonedBefore);
            }
            throw new RemovalInProgress(siteId, progress.get().counted(
                    jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE site_id = ? AND state = ? "
                            + "AND updated_at >= ?", siteId, ForwardState.ABANDONED.name(),
                            progress.get().removedAt().toEpochMilli()),
                    jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE site_id = ? AND state IN (?, ?, ?)", siteId,
                            ForwardState.PENDING.name(), ForwardState.IN_FLIGHT.name(), ForwardState.DEAD.name())),
                    now);
        }
    }

    /**
     * A pass's page's check: the site is removed (for good: a removal is final), or none of its forwards is touched;
     * and its removal has committed no page since {@code quietSince} (review22d L5: the pass chose the site once, so an
     * administrator running the removal again meanwhile shared its pages with the pass, whose records said
     * {@code system}). The site's row is share-locked, so that on PostgreSQL the check waits for a removal's page in
     * progress, which updates it. A run of the removal that still owns the quiet site (stalled, or cut off) is fenced
     * off first, in the same transaction: its next page, if it ever runs one, finds the site no longer its own and
     * stops ({@link TakenOver}). The fence changes the row only once (a later page, or another node's, finds no run to
     * clear), and never the progress, so the other nodes' passes still take the site.
     */
    private static void requireQuietRemoval(Jdbc jdbc, String siteId, Instant quietSince) throws SQLException {
        if (jdbc.update("UPDATE sites SET removal_run = NULL WHERE id = ? AND removed_at IS NOT NULL "
                + "AND removal_run IS NOT NULL AND COALESCE(removal_progress_at, removed_at) < ?", siteId,
                quietSince.toEpochMilli()) > 0) {
            LOG.info("site {}: its removal made no progress for {} minutes; the maintenance passes take its forwards "
                    + "over, and the removal, if it is only stalled, stops at its next page", siteId,
                    GRACE.toMinutes());
        }
        long lastProgress = jdbc.queryOne("SELECT COALESCE(removal_progress_at, removed_at) FROM sites WHERE id = ? "
                + "AND removed_at IS NOT NULL" + jdbc.dialect().forShare(), row -> row.getLong(1), siteId)
                .orElseThrow(() -> notRemoved(siteId));
        if (lastProgress >= quietSince.toEpochMilli()) {
            throw new RemovalRunning(siteId);
        }
    }

    /** A pass's page found the site's removal running again: the pass leaves the site to it. */
    static final class RemovalRunning extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        RemovalRunning(String siteId) {
            super("site " + siteId + ": its removal is running again");
        }
    }

    /**
     * A run of a site's removal found at a page that the site is no longer its own: a maintenance pass took it over
     * (the run made no progress for {@link #GRACE}: it was stalled, not cut off) or the removal was run again. The run
     * stops; the page that found it changed nothing.
     */
    static final class TakenOver extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        private final long abandonedBefore;

        TakenOver(String siteId, long abandonedBefore) {
            super("site " + siteId + ": its removal was taken over after " + abandonedBefore
                    + " forward(s) it abandoned");
            this.abandonedBefore = abandonedBefore;
        }

        /** The forwards this run abandoned before it found the site taken over, each audited under its actor. */
        long abandonedBefore() {
            return abandonedBefore;
        }
    }

    private static IllegalStateException notRemoved(String siteId) {
        return new IllegalStateException("site " + siteId + " is not removed: its forwards are not abandoned");
    }
}
