package io.vaultgate.core.storage;

import java.io.IOException;
import java.util.Optional;

/**
 * A store refused to write its marker with a conflict ({@link StoreMarker#write}): in S3, a {@code 409} answer to the
 * marker's conditional {@code PUT}. {@code ConditionalRequestConflict} (another write of the marker in progress) and
 * {@code OperationAborted} (another operation on it in progress) are tried again; this is thrown when one of them did
 * not end in time, or for any other 409, which is not tried again. A caller choosing advice for the operator asks for it by type
 * ({@link #in}), not by the words of the message.
 */
public final class StoreMarkerConflict extends IOException {

    private static final long serialVersionUID = 1L;
    /** How deep a chain of causes {@link #in} follows. */
    private static final int MAX_CAUSES = 16;

    /** Which conflict it was. */
    public enum Reason {
        /** Another write of, or operation on, the marker was in progress for longer than the writer waits. */
        WRITE_IN_PROGRESS,
        /** The store answered a conflict that is not another write in progress: not tried again. */
        REFUSED
    }

    private final Reason reason;
    private final String errorCode;

    /**
     * @param errorCode the store's name for the conflict (such as {@code ConditionalRequestConflict})
     */
    public StoreMarkerConflict(Reason reason, String errorCode, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.errorCode = errorCode;
    }

    /** {@code failure}, or the conflict it wraps; empty for any other failure. */
    public static Optional<StoreMarkerConflict> in(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) { // bounded: a cycle ends
            if (t instanceof StoreMarkerConflict conflict) {
                return Optional.of(conflict);
            }
        }
        return Optional.empty();
    }

    public Reason reason() {
        return reason;
    }

    /** The store's name for the conflict, as it answered it. */
    public String errorCode() {
        return errorCode;
    }
}
