package io.vaultgate.core.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of checking the audit chain: how much was checked, how much is vouched for by a signed
 * checkpoint, and the first problem if there is one. Records after the last checkpoint
 * ({@link #unsignedRecords()}) are chained but not yet signed: only a checkpoint protects them against
 * someone who can rewrite the whole tail, so it is a warning, not a failure. {@link #newestCheckpoint()} is the
 * newest checkpoint that verified and matched the chain, whose time {@link #checkedAt()} dates.
 */
public record VerificationReport(long records, long checkpoints, long lastCheckpointSeq, boolean signaturesChecked,
                                 Optional<AuditProblem> problem, Optional<Checkpoint> newestCheckpoint,
                                 int anchorsChecked, Instant checkedAt) {

    public boolean ok() {
        return problem.isEmpty();
    }

    /** Records appended after the last checkpoint. */
    public long unsignedRecords() {
        return Math.max(0, records - lastCheckpointSeq);
    }

    /** How old the newest vouching checkpoint was when the chain was checked. */
    public Optional<Duration> checkpointAge() {
        return newestCheckpoint.map(checkpoint -> Duration.between(checkpoint.signedAt(), checkedAt));
    }

    /** One line for people (the transparency report quotes it: it names no time, so reports stay reproducible). */
    public String summary() {
        if (problem.isPresent()) {
            return "FAILED at " + problem.get();
        }
        String signed = signaturesChecked ? "signatures verified" : "signatures NOT checked (no public key)";
        return "OK: " + records + " records, " + checkpoints + " checkpoints (" + signed + "), last checkpoint at "
                + lastCheckpointSeq + ", " + unsignedRecords() + " records not yet checkpointed";
    }

    /**
     * What the chain cannot prove about itself, for {@code vaultgate audit verify} to print under the summary:
     * the newest checkpoint's age and anchor, and how many anchors were checked.
     */
    public String freshness() {
        String newest = newestCheckpoint.map(c -> "newest checkpoint: record " + c.seq() + ", signed at " + c.signedAt()
                + " (" + age(checkpointAge().orElseThrow()) + " ago); anchor " + ChainAnchor.of(c))
                .orElse("newest checkpoint: none vouches for the chain");
        String anchors = anchorsChecked == 0
                ? "anchors: none given, so a log rolled back to an older state (its end cut off with the checkpoints "
                + "covering it, or an old backup restored) cannot be told from an intact one"
                : "anchors: " + anchorsChecked + " given, " + (ok() ? "all found in the chain" : "see the failure above");
        return newest + "\n" + anchors;
    }

    /** A duration for people: 42s, 7m 12s, 3h 5m, 2d 4h. */
    static String age(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m " + seconds % 60 + "s";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + "h " + seconds % 3600 / 60 + "m";
        }
        return seconds / 86_400 + "d " + seconds % 86_400 / 3600 + "h";
    }
}
