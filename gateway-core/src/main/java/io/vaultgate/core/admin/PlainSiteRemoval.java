package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.admin.SiteRemoval.RemovedSite;
import io.vaultgate.core.admin.SiteRemoval.UnfinishedWork;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Outbox;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A plain site removal ({@link UnfinishedWork#REFUSE}, {@link SiteRemoval}): one transaction checks everything that
 * refuses it (under the site's row lock, which a route's addition and a dead forward's retry share, so neither slips
 * in between the check and the removal), removes the operators and marks the site removed; only then, each page in its
 * own transaction, are the site's dead forwards abandoned ({@link RemovedSiteForwards}). A refusal thus leaves the
 * site and every forward as they were (nothing was committed before); and after the commit nothing can refuse the
 * pages or revive a forward (a removed site takes no route, and its forwards are not retried). The removal's event
 * counts the dead forwards it leaves to the pages; each page audits its own. Cut off between pages, the removal run
 * again finishes them ({@link #finish}).
 */
final class PlainSiteRemoval {

    private final Database database;
    private final Offboarding operators;
    private final Outbox outbox;
    private final AuditLog audit;
    private final Clock clock;
    private final SiteRemovalChecks checks;
    private final RemovedSiteForwards removedSites;

    PlainSiteRemoval(Database database, Offboarding operators, Outbox outbox, AuditLog audit, Clock clock,
                     SiteRemovalChecks checks, RemovedSiteForwards removedSites) {
        this.database = database;
        this.operators = operators;
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
        this.checks = checks;
        this.removedSites = removedSites;
    }

    /** Removes the site and its operators in one transaction, then abandons its dead forwards in pages. */
    RemovedSite remove(String siteId, String why, String actor) {
        Instant now = clock.instant();
        String run = RemovedSiteForwards.newRun();
        List<String> usernames = database.inTransaction(jdbc -> {
            checks.requireRemovable(jdbc, siteId, UnfinishedWork.REFUSE, 0);
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
        int ended;
        try {
            ended = operators.endSessions(usernames, "site removed");
        } catch (RuntimeException e) {
            removedSites.release(siteId, run, e);
            throw e;
        }
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
     * Finishes the removal of a site removed with forwards not abandoned yet (a plain removal cut off between its
     * pages, after the site's own transaction): abandons them, a page per transaction, and changes nothing else (the
     * operators and the site went in the removal's transaction). Any undelivered state: nothing is sent to a removed
     * site, and none but dead ones are normally left (the removal refused while one was pending or in flight).
     * Refused (CONFLICT, changing nothing) while another run of the removal still makes progress, which keeps them.
     */
    RemovedSite finish(String siteId, String actor) {
        PagedAbandonment.Tally forwards;
        try {
            forwards = removedSites.abandon(siteId, actor);
        } catch (RemovedSiteForwards.TakenOver e) {
            throw takenOver(siteId, "was removed before", e);
        } catch (RemovalInProgress e) {
            throw running(siteId, e);
        }
        return new RemovedSite(siteId, List.of(), 0, 0, List.of(), forwards.count(), forwards.sample());
    }

    /**
     * A plain removal's pages found the site taken over by the maintenance passes (this removal made no progress for
     * {@link RemovedSiteForwards#GRACE}: stalled between the site's transaction and a page, or between two pages) or
     * by the removal run again (no progress for {@link RemovedSiteForwards#STALLED}): it stopped, so that its answer
     * is what it did. CONFLICT, saying what it did and who does the rest.
     */
    private static GatewayException takenOver(String siteId, String removed, RemovedSiteForwards.TakenOver e) {
        String message = "site " + siteId + " " + removed + ", but its forwards were taken over before this removal "
                + "finished them (by the maintenance passes, this removal having made no progress for "
                + RemovedSiteForwards.GRACE.toMinutes() + " minutes, or by the removal run again, it having made none "
                + "for " + RemovedSiteForwards.STALLED.toMinutes() + " minutes): this removal "
                + "abandoned " + e.abandonedBefore() + " of them, each audited under its name; the rest are abandoned "
                + "by every node's maintenance pass (forward.abandoned, actor system) or by that other run";
        return new GatewayException(Reason.CONFLICT, message, message, e);
    }

    /**
     * The command run again found the site's removal running (another run of it owns the pages and made progress
     * within {@link RemovedSiteForwards#STALLED}): CONFLICT, with that run's progress and when it may be taken over.
     */
    private static GatewayException running(String siteId, RemovalInProgress e) {
        RemovalInProgress.Progress progress = e.progress();
        long ago = Duration.between(progress.lastProgress(), e.seenAt()).toSeconds();
        String message = "site " + siteId + "'s removal is running: another run of it owns its forwards, "
                + progress.lastPage().map(page -> "its last page " + ago + " s ago (at " + page)
                        .orElseGet(() -> "the site removed " + ago + " s ago with no page yet (at "
                                + progress.removedAt())
                + "; " + progress.abandoned() + " forward(s) abandoned, " + progress.left() + " left): this run "
                + "changed nothing and leaves them to it. If that run is gone (its process killed), run the removal "
                + "again once it has made no progress for " + RemovedSiteForwards.STALLED.toMinutes() + " minutes "
                + "(from " + progress.stalledFrom() + "); every node's maintenance pass also finishes a removal with "
                + "no progress for " + RemovedSiteForwards.GRACE.toMinutes() + " minutes";
        return new GatewayException(Reason.CONFLICT, message, message, e);
    }

    /**
     * Removes the site's operators (locked first, then changed: the order of {@link AbandoningSiteRemoval}'s last
     * transaction), adding their events to {@code events}; returns their usernames.
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
}
