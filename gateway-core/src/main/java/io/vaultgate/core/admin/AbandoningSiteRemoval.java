package io.vaultgate.core.admin;

import io.vaultgate.core.admin.SiteRemoval.RemovedSite;
import io.vaultgate.core.admin.SiteRemoval.UnfinishedWork;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.ForwardsAbandonment;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A site's removal with {@link UnfinishedWork#ABANDON} ({@link SiteRemoval}): the forwards go first, a page per
 * transaction ({@link PagedAbandonment#inPages}), each checked as the removal is (site active, no route) under the
 * site's row lock; then one transaction abandons what the pages left (jobs queued meanwhile: normally none) and the
 * batches, removes the operators and marks the site removed. A refusal or crash in between leaves the committed pages
 * abandoned and audited, the site not removed: a second run finishes.
 */
final class AbandoningSiteRemoval {

    private final Database database;
    private final Offboarding operators;
    private final BatchRepository batches;
    private final AuditLog audit;
    private final Clock clock;
    private final PagedAbandonment pages;
    private final SiteRemovalChecks checks;
    private final int sample;

    /** @param sample batch ids a removal's result names at most */
    AbandoningSiteRemoval(Database database, Offboarding operators, BatchRepository batches, AuditLog audit,
                          Clock clock, PagedAbandonment pages, SiteRemovalChecks checks, int sample) {
        this.database = database;
        this.operators = operators;
        this.batches = batches;
        this.audit = audit;
        this.clock = clock;
        this.pages = pages;
        this.checks = checks;
        this.sample = sample;
    }

    /** Abandons the site's forwards in pages, then its batches, operators and the site in one last transaction. */
    RemovedSite remove(String siteId, String why, String actor) {
        List<ForwardState> states = ForwardsAbandonment.UNDELIVERED;
        PagedAbandonment.Tally forwards = pages.inPages(siteId, states, actor, (jdbc, abandonedBefore) ->
                checks.requireRemovable(jdbc, siteId, UnfinishedWork.ABANDON, abandonedBefore));
        Instant now = clock.instant();
        RemovedSite removed = database.inTransaction(jdbc -> {
            checks.requireRemovable(jdbc, siteId, UnfinishedWork.ABANDON, forwards.count());
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
                        batch.siteId(), batch.state().name(), batch.fileCount(), SiteRemoval.SITE_REMOVED));
                abandoned.add(batch.id());
            }
        }
        return abandoned;
    }
}
