package io.vaultgate.core.audit;

import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only, hash-chained audit log. Every decision that lets data in or out is one
 * {@link AuditEvent}. Append inside the transaction that makes the decision durable (a file's commit and
 * its event are then atomic: both or neither), or on its own when there is no such transaction (a failed
 * login).
 */
public interface AuditLog {

    /** Appends {@code event} in its own transaction. */
    AuditRecord append(AuditEvent event);

    /**
     * Appends {@code event} in the caller's transaction: it is rolled back with it. Call it from inside
     * {@code Database.inTransaction}, never from a {@code read}.
     */
    AuditRecord append(Jdbc jdbc, AuditEvent event) throws SQLException;

    /**
     * Appends {@code events}, in order, in the caller's transaction, as consecutive records: the same chain as
     * appending them one by one, which is what this default does. An implementation that serializes appenders
     * on a head row should take and move it once for the whole list, so that a transaction appending thousands
     * of events (a site's removal abandoning its work) holds the head briefly. Call it after the transaction's
     * last row change, as for {@link #append(Jdbc, AuditEvent)}.
     */
    default List<AuditRecord> appendAll(Jdbc jdbc, List<AuditEvent> events) throws SQLException {
        List<AuditRecord> records = new ArrayList<>(events.size());
        for (AuditEvent event : events) {
            records.add(append(jdbc, event));
        }
        return records;
    }
}
