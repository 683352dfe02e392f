package io.vaultgate.core.batch;

/** The life of a batch: OPEN → READY → CLAIMED (lease; expiry returns it to READY) → COMPLETED. */
public enum BatchState {
    OPEN, READY, CLAIMED, COMPLETED
}
