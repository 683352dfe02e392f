package io.vaultgate.core.storage;

import java.io.IOException;
import java.time.Duration;

/**
 * The store did not answer a request for its marker ({@link StoreMarker#read}, {@link StoreMarker#write}) within the
 * marker's call timeout: an endpoint that accepts connections and never answers, or one cut off midway. The marker is
 * read and written while {@code vaultgate store adopt} holds the catalog's lock on the store's row (and, on SQLite,
 * the catalog's write lock), so its requests are bounded as a whole, retries included, instead of waiting for the
 * HTTP client's socket timeouts (review28b L3). Nothing was changed by the call that failed; the caller's transaction
 * rolls back.
 */
public final class StoreMarkerTimeout extends IOException {

    private static final long serialVersionUID = 1L;

    private final String operation;
    private final Duration timeout;

    /**
     * @param operation the request that was not answered, such as {@code PUT}
     * @param location  where the marker is ({@link StoreMarker#location})
     */
    public StoreMarkerTimeout(String operation, String location, Duration timeout, Throwable cause) {
        super("the store did not answer the " + operation + " of its marker at " + location + " within "
                + timeout.toMillis() + " ms (is the endpoint reachable, and answering?)", cause);
        this.operation = operation;
        this.timeout = timeout;
    }

    /** The request that was not answered, such as {@code PUT} or {@code GET}. */
    public String operation() {
        return operation;
    }

    /** How long it was given, retries included. */
    public Duration timeout() {
        return timeout;
    }
}
