package io.vaultgate.core.batch;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ends the READY batches that hold no file: EMPTIED, final, each audited ({@code batch.emptied}, with the fixed reason
 * {@link #REASON}). No file ever joins a READY batch (files join their route's OPEN
 * batch only), so a READY batch whose last file left it (deleted, replaced or renamed by its client, expired by
 * retention) would stay offered to its site with nothing in it, and an operator would claim it for nothing; with a
 * limit of claims per operator, in the place of real work. An EMPTIED batch is not listed and a claim of it answers as
 * for a batch that does not exist ({@link Batch#isOffered()}); the ready-batch gauge, which counts by state, no longer
 * counts it, and its row stays, with the files and bytes it ended with (none), for the audit and the tenants' reports.
 *
 * <p>Two ways in: {@link #settle} in the transaction that took the files out (a deletion, a replacement, a rename), so
 * the batch never shows READY and empty to anyone; and the maintenance ({@link BatchService#maintain()}), which ends a
 * claimed batch left empty when its lease runs out instead of offering it again, and settles any READY empty batch a
 * path not calling {@link #settle} left. Until then {@link Batch#isOffered()} keeps such a batch out of listings and
 * claims. The batch's row is locked before its state is judged: a claim reading it at the same moment either committed
 * first (the batch is CLAIMED, left alone, and ends EMPTIED if still empty when its lease runs out) or waits and then
 * finds it EMPTIED.
 */
public final class EmptyBatches {

    /** The reason recorded for every emptied batch: fixed text, since it reaches the tenants' transparency reports. */
    public static final String REASON = "no files left";

    private final BatchRepository batches;
    private final AuditLog audit;

    public EmptyBatches(BatchRepository batches, AuditLog audit) {
        this.batches = batches;
        this.audit = audit;
    }

    /**
     * Ends the tenant's READY batches that hold no file, as done by {@code actor} (whose deletion, replacement or
     * rename emptied them; {@code system} for retention). Call it in the transaction that took files out of batches,
     * after that and before the transaction appends its own audit events: it locks batch rows, which on PostgreSQL must
     * never wait while the transaction holds the audit log's head. One indexed read when nothing is to end. Returns the
     * ids of the batches it ended.
     */
    public List<String> settle(Jdbc jdbc, TenantId tenant, String actor, Instant now) throws SQLException {
        // a READY batch gains no file, so one read empty stays empty: the lock below only orders this against a claim
        List<String> empty = jdbc.query("SELECT id FROM batches WHERE state = ? AND tenant_id = ? AND file_count = 0 "
                + "ORDER BY id", row -> row.getString(1), BatchState.READY.name(), tenant.value());
        List<String> ended = new ArrayList<>();
        List<AuditEvent> events = new ArrayList<>();
        for (String id : empty) {
            Optional<Batch> batch = batches.lock(jdbc, id);
            if (batch.isPresent() && end(jdbc, batch.get(), now)) {
                ended.add(id);
                events.add(emptied(batch.get(), actor, now));
            }
        }
        audit.appendAll(jdbc, events);
        return ended;
    }

    /**
     * Ends every READY batch holding no file, as the gateway ({@code system}); on PostgreSQL rows another transaction
     * holds are skipped ({@link BatchRepository#byState}), to be judged at the next maintenance. Returns how many.
     */
    int settleAll(Jdbc jdbc, Instant now) throws SQLException {
        List<AuditEvent> events = new ArrayList<>();
        for (Batch batch : batches.byState(jdbc, BatchState.READY)) {
            if (end(jdbc, batch, now)) {
                events.add(emptied(batch, AuditEvents.SYSTEM, now));
            }
        }
        audit.appendAll(jdbc, events);
        return events.size();
    }

    /** Moves {@code batch}, read with its row locked, from READY to EMPTIED if it holds no file. */
    private boolean end(Jdbc jdbc, Batch batch, Instant now) throws SQLException {
        return batch.state() == BatchState.READY && batch.fileCount() == 0
                && batches.transition(jdbc, batch.id(), BatchState.READY, BatchState.EMPTIED, Optional.empty(),
                Optional.empty(), now);
    }

    private static AuditEvent emptied(Batch batch, String actor, Instant now) {
        return new AuditEvent.BatchEmptied(now, Optional.of(batch.tenant()), actor, batch.id(), batch.siteId(),
                REASON);
    }
}
