package io.vaultgate.core.forward;

/**
 * Where the forwarder reports outcomes that must leave a trace beyond logs and metrics: the composition
 * root connects it to the audit log ("every decision that lets data out is one audit event"). Called on
 * the worker thread after the outbox row was updated; an exception here is logged and does not change
 * the job.
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

    /** The job went dead after {@code job.attempts()} attempts; {@code error} is the last failure. */
    default void dead(ForwardJob job, String error) {
    }
}
