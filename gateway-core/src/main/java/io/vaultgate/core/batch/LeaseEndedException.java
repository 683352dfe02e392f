package io.vaultgate.core.batch;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import java.nio.file.AccessDeniedException;

/**
 * A read of a batch's file refused because the lease it was opened under ended (completed, released, run out,
 * claimed by another operator, tenant locked). An {@link AccessDeniedException}, so a file-system front-end answers
 * "permission denied" from its kind alone; its cause is a {@link GatewayException} ({@code ACCESS_DENIED}) whose
 * client message names the batch and the reason, for front-ends that answer from the core's reason.
 */
public final class LeaseEndedException extends AccessDeniedException {

    private static final long serialVersionUID = 1L;

    private final String batchId;
    private final String reason;

    public LeaseEndedException(String batchId, String reason) {
        super("batch " + batchId, null, "your lease ended (" + reason + "); reading its files is refused");
        this.batchId = batchId;
        this.reason = reason;
        initCause(new GatewayException(Reason.ACCESS_DENIED, getMessage()));
    }

    public String batchId() {
        return batchId;
    }

    /** How the lease ended, e.g. {@code the batch was completed}. */
    public String reason() {
        return reason;
    }
}
