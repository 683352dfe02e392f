package io.vaultgate.core.admin;

import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.forward.ForwardsAbandonment;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * compare-and-set on the job's version. The sweep leaves alone a site removed less than {@link #GRACE} ago: its
 * removal may still be running its pages (50 000 dead forwards take a while), and those pages should be the
 * administrator's, counted in the removal's answer, not the gateway's (review21c M1).
 */
final class RemovedSiteForwards {

    private static final Logger LOG = LoggerFactory.getLogger(RemovedSiteForwards.class);

    /**
     * Pages a maintenance pass abandons per site at most: a backlog of millions is then finished over several passes
     * instead of holding the maintenance thread (batch closing, retention, audit checkpoints) for all of it.
     */
    static final int PAGES_PER_PASS = 10;

    /** How long after a site's removal the sweep leaves its forwards to the removal's own pages. */
    static final Duration GRACE = Duration.ofMinutes(10);

    private final Database database;
    private final PagedAbandonment pages;
    private final Clock clock;

    RemovedSiteForwards(Database database, PagedAbandonment pages, Clock clock) {
        this.database = database;
        this.pages = pages;
        this.clock = clock;
    }

    /** Abandons every forward left to the removed site {@code siteId}, a page per transaction, for {@code actor}. */
    PagedAbandonment.Tally abandon(String siteId, String actor) {
        return abandon(siteId, actor, Integer.MAX_VALUE);
    }

    /**
     * One maintenance pass: abandons the forwards left to every site removed more than {@link #GRACE} ago that has
     * some, at most {@link #PAGES_PER_PASS} pages each, as the gateway ({@code system}); returns what it did per site.
     * A site whose pages fail is logged and left to the next pass, and the others go on.
     */
    List<SiteRemoval.FinishedRemoval> sweep() {
        List<SiteRemoval.FinishedRemoval> finished = new ArrayList<>();
        Instant removedBefore = clock.instant().minus(GRACE);
        for (String siteId : database.read(jdbc -> ForwardsAbandonment.removedSitesWithForwardsLeft(jdbc,
                removedBefore))) {
            try {
                PagedAbandonment.Tally tally = abandon(siteId, AuditEvents.SYSTEM, PAGES_PER_PASS);
                finished.add(new SiteRemoval.FinishedRemoval(siteId, tally.count(), tally.more()));
                if (tally.count() > 0) {
                    LOG.info("site {}: abandoned {} forward(s) its removal left (cut off before its pages), each "
                            + "audited as forward.abandoned{}", siteId, tally.count(),
                            tally.more() ? "; more at the next maintenance pass" : "");
                }
            } catch (RuntimeException e) {
                LOG.warn("site {}: abandoning the forwards its removal left failed; retrying at the next maintenance "
                        + "pass: {}", siteId, e.toString());
            }
        }
        return finished;
    }

    private PagedAbandonment.Tally abandon(String siteId, String actor, int maxPages) {
        return pages.inPages(siteId, ForwardsAbandonment.UNDELIVERED, actor,
                (jdbc, abandonedBefore) -> requireRemoved(jdbc, siteId), maxPages);
    }

    /** Each page's check: the site is removed (for good: a removal is final), or none of its forwards is touched. */
    private static void requireRemoved(Jdbc jdbc, String siteId) throws SQLException {
        if (jdbc.count("SELECT COUNT(*) FROM sites WHERE id = ? AND removed_at IS NOT NULL", siteId) == 0) {
            throw new IllegalStateException("site " + siteId + " is not removed: its forwards are not abandoned");
        }
    }
}
