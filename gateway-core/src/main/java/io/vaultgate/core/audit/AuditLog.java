package io.vaultgate.core.audit;

import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;

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
}
