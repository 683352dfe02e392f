package io.vaultgate.core.batch;

/**
 * The life of a batch: OPEN → READY → CLAIMED (lease; expiry returns it to READY) → COMPLETED; or, from any of the
 * first three, ABANDONED when its site is removed with its unfinished work abandoned (final: never claimed again); or
 * EMPTIED, when no operator holds it and it holds no file: a READY batch whose last file its client deleted, replaced
 * or renamed, or that retention expired, or one that would become READY without files (a claimed batch emptied while
 * held and released, an empty open batch closed by its route's removal). EMPTIED is final: the batch is never listed
 * for its site nor claimed, as a batch that does not exist ({@link EmptyBatches}).
 */
public enum BatchState {
    OPEN, READY, CLAIMED, COMPLETED, ABANDONED, EMPTIED
}
