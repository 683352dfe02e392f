package io.vaultgate.core.audit;

import java.util.Optional;

/**
 * The outcome of checking an export offline. Records after {@link #lastCheckpointSeq()} are chained but
 * not covered by a signature, so they prove nothing yet: {@link #fullySigned()} says whether there are any.
 * {@link #headerSigned()} is false only for an export accepted without a header signature, whose span nothing ties
 * to its period.
 */
public record ExportReport(long events, long omitted, long checkpoints, long firstSeq, long lastSeq,
                           long lastCheckpointSeq, boolean headerSigned, Optional<AuditProblem> problem) {

    public boolean ok() {
        return problem.isEmpty();
    }

    public boolean fullySigned() {
        return lastCheckpointSeq >= lastSeq;
    }

    public String summary() {
        if (problem.isPresent()) {
            return "FAILED at " + problem.get();
        }
        String range = lastSeq == 0 ? "no records" : "records " + firstSeq + ".." + lastSeq;
        String signed = fullySigned() ? "all covered by a valid signed checkpoint"
                : "WARNING: records " + (lastCheckpointSeq < firstSeq ? firstSeq : lastCheckpointSeq + 1) + ".." + lastSeq
                + " are not covered by a signed checkpoint yet; export again later";
        return "OK: " + range + " (" + events + " events shown, " + omitted + " omitted), " + checkpoints
                + " checkpoints, " + signed + (headerSigned ? "" : "; WARNING: the header is not signed, so records "
                + "at the export's start or end may have been dropped by whoever held the file");
    }
}
