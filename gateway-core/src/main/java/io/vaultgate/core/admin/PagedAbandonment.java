package io.vaultgate.core.admin;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.ForwardsAbandonment;
import io.vaultgate.core.forward.ForwardsAbandonment.AbandonedPage;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Abandons the forward jobs of a site being removed ({@link SiteRemoval#removeSite}), a page at a time, each page in
 * its own transaction with its own {@code forward.abandoned} records ({@link #inPages}): the audit chain's head, which
 * every upload, login and audited change of every node waits for, is held for one page's append and commit at a time,
 * and memory holds one page, however large the backlog. Pages committed stay abandoned if the run is cut off after
 * them (a crash; with {@code --abandon-work} also a refusal, the pages running before the site's removal), and the
 * removal run again goes on with the rest. A plain removal runs its pages only after the site's removal committed, so
 * that none is committed for a site whose removal is then refused. What the pages of a removal abandoning work left
 * (normally nothing) is abandoned in the removal's own last transaction ({@link #rest}). The rows are read and
 * changed by the outbox's queries ({@link ForwardsAbandonment}); this class owns the transactions and audit records
 * around them.
 */
final class PagedAbandonment {

    /**
     * Checks, first in each page's transaction, that the page may go on: before the site's removal, that the site is
     * active (its row locked) and nothing refuses the removal, naming the {@code abandonedBefore} forwards that earlier
     * pages of this run abandoned when it refuses; after it, that the site is removed.
     */
    @FunctionalInterface
    interface Check {
        void require(Jdbc jdbc, long abandonedBefore) throws SQLException;
    }

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final int page;
    private final int sample;

    /**
     * @param page   forward jobs abandoned, and their events appended, at a time
     * @param sample forward job ids a removal names in its result at most
     */
    PagedAbandonment(Database database, AuditLog audit, Clock clock, int page, int sample) {
        if (page < 1) {
            throw new IllegalArgumentException("a page holds at least one job: " + page);
        }
        if (sample < 0) {
            throw new IllegalArgumentException("a sample holds no fewer than no ids: " + sample);
        }
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.page = page;
        this.sample = sample;
    }

    /**
     * Abandons the site's forwards in {@code states} (of {@link ForwardsAbandonment#UNDELIVERED}), oldest first, a
     * page per transaction until a page is not full. Each transaction runs {@code check} first (which locks the site's
     * row before the removal, as a route's addition does and a retry of a dead job shares it), then reads and changes
     * its page's rows and appends their events.
     */
    Tally inPages(String siteId, List<ForwardState> states, String actor, Check check) {
        return inPages(siteId, states, actor, check, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #inPages(String, List, String, Check)}, but stops after {@code maxPages} pages; the tally then
     * tells whether the last page was full ({@link Tally#more}), so that more may be left for another run.
     */
    Tally inPages(String siteId, List<ForwardState> states, String actor, Check check, int maxPages) {
        Tally tally = new Tally(sample);
        Optional<ForwardJob> last = Optional.empty();
        boolean more = true;
        for (int pages = 0; more && pages < maxPages; pages++) {
            AbandonedPage done = onePage(siteId, states, actor, last, tally.count(), check);
            done.abandoned().forEach(job -> tally.add(job.id()));
            more = done.full();
            last = done.last();
        }
        tally.more = more;
        return tally;
    }

    /**
     * In the removal's last transaction, after its rows were locked ({@link ForwardsAbandonment#lockToAbandon}) and
     * changed: abandons what the pages left (jobs queued or revived since their last page; normally none), adding each
     * one to {@code tally} and its event to {@code events}, which it appends a page's worth at a time (the rows are
     * locked, so changing them after the first append takes no lock); the rest of {@code events} is the caller's to
     * append.
     */
    void rest(Jdbc jdbc, String siteId, List<ForwardState> states, String actor, Instant now, List<AuditEvent> events,
              Tally tally) throws SQLException {
        Optional<ForwardJob> after = Optional.empty();
        for (boolean more = true; more; ) {
            AbandonedPage done = ForwardsAbandonment.abandonPage(jdbc, siteId, states, now, after, page);
            events.addAll(events(done, siteId, actor, now));
            done.abandoned().forEach(job -> tally.add(job.id()));
            more = done.full();
            after = done.last();
            if (more && events.size() >= page) {
                audit.appendAll(jdbc, events); // the head is read and moved once per page
                events.clear();
            }
        }
    }

    private AbandonedPage onePage(String siteId, List<ForwardState> states, String actor,
                                         Optional<ForwardJob> after, long abandonedBefore, Check check) {
        return database.inTransaction(jdbc -> {
            check.require(jdbc, abandonedBefore);
            Instant now = clock.instant();
            AbandonedPage done = ForwardsAbandonment.abandonPage(jdbc, siteId, states, now, after, page);
            List<AuditEvent> events = events(done, siteId, actor, now);
            if (!events.isEmpty()) {
                audit.appendAll(jdbc, events);
            }
            return done;
        });
    }

    /** One {@code forward.abandoned} event per job of {@code done}, with the fixed reason {@code site removed}. */
    private static List<AuditEvent> events(AbandonedPage done, String siteId, String actor, Instant now) {
        List<AuditEvent> events = new ArrayList<>(done.abandoned().size());
        for (ForwardJob job : done.abandoned()) {
            events.add(new AuditEvent.ForwardAbandoned(now, Optional.of(job.tenant()), actor, job.id(), job.fileId(),
                    siteId, job.state().name(), SiteRemoval.SITE_REMOVED));
        }
        return events;
    }

    /**
     * The forward jobs a removal abandoned: how many, the ids of the first of them (oldest first), and whether a run
     * stopped by its page limit may have left more.
     */
    static final class Tally {
        private final int limit;
        private final List<String> sample = new ArrayList<>();
        private long count;
        private boolean more;

        private Tally(int limit) {
            this.limit = limit;
        }

        void add(String jobId) {
            if (sample.size() < limit) {
                sample.add(jobId);
            }
            count++;
        }

        long count() {
            return count;
        }

        List<String> sample() {
            return List.copyOf(sample);
        }

        /** Whether a run stopped by its page limit may have left jobs: its last page was full. */
        boolean more() {
            return more;
        }
    }
}
