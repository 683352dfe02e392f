package io.vaultgate.core.audit;

import java.util.Optional;

/**
 * The outcome of checking the audit chain: how much was checked, how much is vouched for by a signed
 * checkpoint, and the first problem if there is one. Records after the last checkpoint
 * ({@link #unsignedRecords()}) are chained but not yet signed: only a checkpoint protects them against
 * someone who can rewrite the whole tail, so it is a warning, not a failure.
 */
public record VerificationReport(long records, long checkpoints, long lastCheckpointSeq, boolean signaturesChecked,
                                 Optional<AuditProblem> problem) {

    public boolean ok() {
        return problem.isEmpty();
    }

    /** Records appended after the last checkpoint. */
    public long unsignedRecords() {
        return Math.max(0, records - lastCheckpointSeq);
    }

    /** One line for people. */
    public String summary() {
        if (problem.isPresent()) {
            return "FAILED at " + problem.get();
        }
        String signed = signaturesChecked ? "signatures verified" : "signatures NOT checked (no public key)";
        return "OK: " + records + " records, " + checkpoints + " checkpoints (" + signed + "), last checkpoint at "
                + lastCheckpointSeq + ", " + unsignedRecords() + " records not yet checkpointed";
    }
}
