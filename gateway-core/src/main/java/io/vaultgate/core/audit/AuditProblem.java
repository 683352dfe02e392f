package io.vaultgate.core.audit;

import java.util.Objects;

/** What is wrong with the audit chain, at the first sequence number found bad. */
public record AuditProblem(long seq, Kind kind, String reason) {

    /** The kinds of damage a verifier tells apart. */
    public enum Kind {
        /** A sequence number is absent: a record was deleted. */
        MISSING,
        /** A record links to an earlier record than its predecessor: the records in between were inserted. */
        INSERTED,
        /** A record does not link to its predecessor: deleted, moved, or the predecessor rewritten. */
        BROKEN_LINK,
        /** A record's content no longer matches its hash. */
        CHANGED,
        /** An indexed column disagrees with the hashed event. */
        COLUMN_MISMATCH,
        /** A stored value is not in the format the log writes. */
        MALFORMED,
        /** A checkpoint's signature does not verify with the given key. */
        FORGED_CHECKPOINT,
        /** A checkpoint was signed by a different key than the one given. */
        UNKNOWN_KEY,
        /**
         * A correctly signed checkpoint, or an export header's signed {@code last_hash}, disagrees with the chain: the
         * records before it were rewritten.
         */
        REWRITTEN,
        /** The chain ends before its head or its checkpoints: records at the end were deleted. */
        TRUNCATED,
        /**
         * The chain no longer holds a record anchored outside the catalog (an operator's kept checkpoint line):
         * it was cut off, an older copy of the catalog was restored, or the records up to it were rewritten.
         */
        ROLLED_BACK,
        /** The newest signed checkpoint is older than allowed: the gateway stopped signing, or the log is an old copy. */
        STALE,
        /**
         * An export's header (its tenant, period and span) lacks the gateway's signature or does not match it, or a
         * record shown lies outside the period it claims.
         */
        SPAN,
        /** A tenant export omits one of the tenant's own records, or shows another's as the tenant's. */
        HIDDEN,
        /**
         * An export's last records are signed neither by a checkpoint in it nor by its header (format v2 of older
         * gateways, or an unsigned header): whoever held the file could have removed checkpoints and rewritten them.
         */
        UNSIGNED
    }

    public AuditProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return "record " + seq + ": " + kind + ": " + reason;
    }
}
