package io.vaultgate.core.forward;

import io.vaultgate.core.catalog.Dialect;
import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outbox's queries that abandon a removed site's forward jobs, within the caller's transaction: a page of them at
 * a time ({@link #abandonPage}), and the row locks a removal's last transaction takes first ({@link #lockToAbandon}).
 * Each page reads the site's jobs of each state from one range of the index {@code forward_jobs_by_site_state_age}
 * (site, state, created_at, id; migration V29), oldest first, with no sort. The transactions, audit records and checks
 * around them are the site removal's ({@code io.vaultgate.core.admin.SiteRemoval}).
 */
public final class ForwardsAbandonment {

    /** The states a removed site's jobs are abandoned from when its unfinished work is abandoned. */
    public static final List<ForwardState> UNDELIVERED = List.of(ForwardState.PENDING, ForwardState.IN_FLIGHT,
            ForwardState.DEAD);

    /**
     * Removed sites with forwards left ({@link #removedWithForwardsLeft}): per removed site (few: sites are configured
     * by administrators), one probe of its jobs' index range per undelivered state.
     */
    static final String REMOVED_WITH_FORWARDS_LEFT = "SELECT id FROM sites WHERE removed_at IS NOT NULL AND "
            + "EXISTS (SELECT 1 FROM forward_jobs WHERE forward_jobs.site_id = sites.id AND forward_jobs.state IN ("
            + UNDELIVERED.stream().map(state -> "'" + state.name() + "'").collect(Collectors.joining(", ")) + "))";

    /**
     * {@link #removedSitesWithForwardsLeft}: those of {@link #REMOVED_WITH_FORWARDS_LEFT} whose removal made no
     * progress since the bound (epoch milliseconds).
     */
    static final String QUIET_REMOVED_WITH_FORWARDS_LEFT = REMOVED_WITH_FORWARDS_LEFT
            + " AND COALESCE(removal_progress_at, removed_at) < ? ORDER BY id";

    /** {@link #oldestOf} a site's first page (site, state, limit). */
    static final String FIRST_OF_STATE = "SELECT " + OutboxRows.COLUMNS + " FROM forward_jobs WHERE site_id = ? "
            + "AND state = ? ORDER BY created_at, id LIMIT ?";

    /** {@link #oldestOf} a site's next page (site, state, the cursor's created_at twice and id, limit). */
    static final String NEXT_OF_STATE = "SELECT " + OutboxRows.COLUMNS + " FROM forward_jobs WHERE site_id = ? "
            + "AND state = ? AND created_at >= ? AND (created_at > ? OR id > ?) ORDER BY created_at, id LIMIT ?";

    /** The order a site's removal abandons its jobs in, and of the index it reads them from: oldest first. */
    private static final Comparator<ForwardJob> OLDEST_FIRST = Comparator.comparing(ForwardJob::createdAt)
            .thenComparing(ForwardJob::id);

    /**
     * A page of {@link #abandonPage}: the jobs abandoned, as they were before, oldest first; the last job read
     * (where the next page starts); and whether the page was full, so that more may follow.
     */
    public record AbandonedPage(List<ForwardJob> abandoned, Optional<ForwardJob> last, boolean full) {
        public AbandonedPage {
            abandoned = List.copyOf(abandoned);
        }
    }

    private ForwardsAbandonment() {
    }

    /**
     * Locks the site's forwards in {@code states} (of {@link #UNDELIVERED}) within {@code jdbc}'s transaction, for the
     * site's removal, without reading them ({@link Dialect#forUpdate()}; on SQLite the transaction holds the database's
     * write lock already); returns how many there are. The removal's last transaction (which marks the site removed,
     * after earlier ones abandoned the backlog a page each) takes every row lock before its first audit append (which
     * holds the chain's head until the commit), then abandons what is left page by page ({@link #abandonPage}). An
     * outcome committed before the lock wins (a delivered job stays delivered), one after it is refused.
     */
    public static long lockToAbandon(Jdbc jdbc, String siteId, List<ForwardState> states) throws SQLException {
        List<Object> parameters = abandonParameters(siteId, states);
        return jdbc.count("SELECT COUNT(*) FROM (SELECT id FROM forward_jobs WHERE site_id = ? AND state IN ("
                + placeholders(states) + ")" + jdbc.dialect().forUpdate() + ") locked", parameters.toArray());
    }

    /**
     * Abandons at most {@code limit} of the site's forwards in {@code states} (of {@link #UNDELIVERED}), oldest
     * first, those after {@code after} (the last job of the previous page) only, within {@code jdbc}'s transaction,
     * for the site's removal: every removal abandons the dead ones (already settled as failures, and never retried
     * for a removed site), one abandoning the site's work also the pending and in-flight ones. Each becomes
     * ABANDONED, is never claimed or retried again, and its version moves on, so that a worker still holding its
     * lease finds its outcome ({@link Outbox#complete}, {@link Outbox#fail}, {@link Outbox#release},
     * {@link Outbox#renew}) refused and changes nothing. Each state's next jobs are read from their own range of the
     * index of the site's jobs by state and age, at most {@code limit} each, and merged ({@link #oldestOf}): a page
     * costs a page's reads per state however large the backlog. The rows read are locked ({@link Dialect#forUpdate()}:
     * the page's, and at most a page per other state more until the commit, which the next page reads again); a
     * transaction that appends to the audit log after more than one page locks them all first ({@link #lockToAbandon}).
     * In pages, so that a site with a backlog of millions is abandoned with the memory of one page, and (a page per
     * transaction, as a site's removal does) with the audit chain's head held for one page's events at a time.
     */
    public static AbandonedPage abandonPage(Jdbc jdbc, String siteId, List<ForwardState> states, Instant now,
                                            Optional<ForwardJob> after, int limit) throws SQLException {
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least one job: " + limit);
        }
        requireUndelivered(states);
        List<ForwardJob> read = new ArrayList<>();
        for (ForwardState state : states) {
            read.addAll(oldestOf(jdbc, siteId, state, after, limit));
        }
        read.sort(OLDEST_FIRST);
        if (read.size() > limit) {
            read = read.subList(0, limit);
        }
        List<ForwardJob> abandoned = new ArrayList<>();
        for (ForwardJob job : read) {
            if (jdbc.update("UPDATE forward_jobs SET state = ?, version = version + 1, lease_owner = NULL, "
                    + "lease_expires_at = NULL, updated_at = ? WHERE id = ? AND version = ?",
                    ForwardState.ABANDONED.name(), now.toEpochMilli(), job.id(), job.version()) == 1) {
                abandoned.add(job);
            }
        }
        return new AbandonedPage(abandoned, read.isEmpty() ? after : Optional.of(read.get(read.size() - 1)),
                read.size() == limit);
    }

    /**
     * The removed sites that still have forwards in {@link #UNDELIVERED} states and whose removal has made no progress
     * since {@code quietSince} (no page committed, nor the site removed, since then: {@code sites.removal_progress_at},
     * migration V31, or before its first page {@code removed_at}), by id, within {@code jdbc}'s transaction: left by a
     * site removal cut off between the site's own transaction and its pages, or during them (a crash, a restart),
     * which the maintenance sweep finishes.
     */
    public static List<String> removedSitesWithForwardsLeft(Jdbc jdbc, Instant quietSince) throws SQLException {
        return jdbc.query(QUIET_REMOVED_WITH_FORWARDS_LEFT, row -> row.getString(1), quietSince.toEpochMilli());
    }

    /**
     * Whether the site was removed and still has forwards in {@link #UNDELIVERED} states, within {@code jdbc}'s
     * transaction.
     */
    public static boolean removedWithForwardsLeft(Jdbc jdbc, String siteId) throws SQLException {
        return !jdbc.query(REMOVED_WITH_FORWARDS_LEFT + " AND id = ?", row -> row.getString(1), siteId).isEmpty();
    }

    /**
     * At most {@code limit} of the site's jobs in {@code state} after {@code after}, oldest first, locked
     * ({@link Dialect#forUpdate()}): one range of the index {@code forward_jobs_by_site_state_age} (site, state,
     * created_at, id; migration V29), read from the previous page's last job on, with no sort. One query per state:
     * with {@code state IN (...)} the rows come by state, so ordering them by age sorted every job of the site
     * left in those states, page after page (a removal's cost growing with the square of its backlog). The
     * {@code created_at >= ?} bound is implied by the condition after it and gives the range its start.
     */
    private static List<ForwardJob> oldestOf(Jdbc jdbc, String siteId, ForwardState state,
                                             Optional<ForwardJob> after, int limit) throws SQLException {
        if (after.isEmpty()) {
            return jdbc.query(FIRST_OF_STATE + jdbc.dialect().forUpdate(), OutboxRows::map, siteId, state.name(),
                    limit);
        }
        long createdAt = after.get().createdAt().toEpochMilli();
        return jdbc.query(NEXT_OF_STATE + jdbc.dialect().forUpdate(), OutboxRows::map, siteId, state.name(),
                createdAt, createdAt, after.get().id(), limit);
    }

    private static void requireUndelivered(List<ForwardState> states) {
        if (states.isEmpty() || !UNDELIVERED.containsAll(states)) {
            throw new IllegalArgumentException("only undelivered jobs are abandoned: " + states);
        }
    }

    private static List<Object> abandonParameters(String siteId, List<ForwardState> states) {
        requireUndelivered(states);
        List<Object> parameters = new ArrayList<>();
        parameters.add(siteId);
        states.forEach(state -> parameters.add(state.name()));
        return parameters;
    }

    private static String placeholders(List<ForwardState> states) {
        return String.join(", ", Collections.nCopies(states.size(), "?"));
    }
}
