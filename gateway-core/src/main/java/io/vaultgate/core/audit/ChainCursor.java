package io.vaultgate.core.audit;

import io.vaultgate.core.audit.AuditProblem.Kind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Walks a chain one record at a time and names the first break: a missing sequence number, a link to an
 * earlier record than the predecessor (records inserted), a link to nothing seen (a record deleted or
 * moved, or the predecessor rewritten), or content that no longer matches its hash. Shared by the
 * catalog verifier and the offline export verifier.
 */
final class ChainCursor {

    private static final int RECENT = 1024;

    private long expected;
    private String lastHash;
    private final Map<String, Long> recent = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > RECENT;
        }
    };

    /** Starts at {@code firstSeq}; a null {@code anchor} accepts the first record's prev_hash as given. */
    ChainCursor(long firstSeq, String anchor) {
        this.expected = firstSeq;
        this.lastHash = anchor;
    }

    /** Checks the next record; on success it becomes the predecessor of the one after. */
    Optional<AuditProblem> accept(long seq, String prevHash, String hash, Supplier<String> recomputedHash) {
        if (seq < expected) {
            return problem(seq, Kind.INSERTED, "record " + seq + " is out of sequence (expected " + expected + ")");
        }
        if (seq > expected) {
            return problem(expected, Kind.MISSING, "record " + expected + " is missing (the next one is " + seq
                    + "): it was deleted");
        }
        if (!ChainHash.isHex(prevHash, 32) || !ChainHash.isHex(hash, 32)) {
            return problem(seq, Kind.MALFORMED, "prev_hash and hash must be 64 lower-case hex characters");
        }
        if (lastHash != null && !prevHash.equals(lastHash)) {
            Long linked = recent.get(prevHash);
            if (linked != null) {
                return problem(linked + 1, Kind.INSERTED, "record " + seq + " links to record " + linked
                        + ", so records " + (linked + 1) + ".." + (seq - 1) + " were inserted after it");
            }
            return problem(seq, Kind.BROKEN_LINK, seq == 1
                    ? "the first record does not link to the start of the chain"
                    : "record " + seq + " does not link to record " + (seq - 1) + ": a record was deleted or moved "
                    + "here, or record " + (seq - 1) + " was changed and re-hashed");
        }
        String recomputed;
        try {
            recomputed = recomputedHash.get();
        } catch (IllegalArgumentException malformed) {
            return problem(seq, Kind.MALFORMED, malformed.getMessage());
        }
        if (!recomputed.equals(hash)) {
            return problem(seq, Kind.CHANGED, "the content does not match the record's hash: it was changed "
                    + "(or moved from another position)");
        }
        recent.put(hash, seq);
        lastHash = hash;
        expected++;
        return Optional.empty();
    }

    /** The last record accepted (0 before the first, or {@code firstSeq - 1}). */
    long lastSeq() {
        return expected - 1;
    }

    /** The hash of the last record accepted (the anchor before the first). */
    String lastHash() {
        return lastHash;
    }

    private static Optional<AuditProblem> problem(long seq, Kind kind, String reason) {
        return Optional.of(new AuditProblem(seq, kind, reason));
    }
}
