package io.vaultgate.core.forward;

import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;

/**
 * Where the forwarder reports outcomes that must leave a trace beyond logs and metrics: the composition
 * root connects it to the audit log ("every decision that lets data out is one audit event"). Called on
 * the worker thread after the outbox row was updated; an exception here is logged and does not change
 * the job. A sink may instead record deliveries inside the outbox's transaction ({@link #inTransaction()}):
 * then the job is DELIVERED together with its record or not at all.
 */
public interface ForwardEvents {

    /** Nothing beyond logs and metrics. */
    ForwardEvents NONE = new ForwardEvents() {
    };

    /**
     * The site confirmed the file: {@code delivery} carries the hex SHA-256 the site answered (empty for a
     * plain WebDAV site) and the fingerprint of the certificate the site presented.
     */
    default void delivered(ForwardJob job, DeliveryOutcome.Delivered delivery) {
    }

    /**
     * Whether deliveries are recorded by {@link #delivered(Jdbc, ForwardJob, DeliveryOutcome.Delivered)} in the
     * transaction that marks the job DELIVERED (synced to stable storage before the forwarder goes on), instead
     * of {@link #delivered(ForwardJob, DeliveryOutcome.Delivered)} after it.
     */
    default boolean inTransaction() {
        return false;
    }

    /**
     * Records a delivery in the outbox's transaction (only when {@link #inTransaction()}); an exception rolls
     * the transaction back, so the job is not DELIVERED either and is retried after its lease.
     */
    default void delivered(Jdbc jdbc, ForwardJob job, DeliveryOutcome.Delivered delivery) throws SQLException {
    }

    /** The job went dead after {@code job.attempts()} attempts; {@code error} is the last failure. */
    default void dead(ForwardJob job, String error) {
    }
}
