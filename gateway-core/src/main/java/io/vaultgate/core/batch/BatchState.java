package io.vaultgate.core.batch;

/**
 * The life of a batch: OPEN → READY → CLAIMED (lease; expiry returns it to READY) → COMPLETED; or, from any of the
 * first three, ABANDONED when its site is removed with its unfinished work abandoned (final: never claimed again).
 */
public enum BatchState {
    OPEN, READY, CLAIMED, COMPLETED, ABANDONED
}
