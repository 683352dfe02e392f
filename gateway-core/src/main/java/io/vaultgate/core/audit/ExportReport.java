package io.vaultgate.core.audit;

import java.util.Optional;

/**
 * The outcome of checking an export offline. Records after {@link #lastCheckpointSeq()} are signed by no
 * checkpoint in the file; {@link #headerSignsEnd()} says the header's signature covers them instead (its
 * {@code last_hash}, format v3). {@link #fullySigned()} says whether one or the other covers every record: the
 * verifier fails an export where neither does, since whoever held the file could have rewritten those records.
 * {@link #headerSigned()} is false only for an export accepted without a header signature, whose span nothing ties
 * to its period.
 */
public record ExportReport(long events, long omitted, long checkpoints, long firstSeq, long lastSeq,
                           long lastCheckpointSeq, boolean headerSigned, boolean headerSignsEnd,
                           Optional<AuditProblem> problem) {

    public boolean ok() {
        return problem.isEmpty();
    }

    public boolean fullySigned() {
        return headerSignsEnd || lastCheckpointSeq >= lastSeq;
    }

    public String summary() {
        if (problem.isPresent()) {
            return "FAILED at " + problem.get();
        }
        String range = lastSeq == 0 ? "no records" : "records " + firstSeq + ".." + lastSeq;
        String unchecked = (lastCheckpointSeq < firstSeq ? firstSeq : lastCheckpointSeq + 1) + ".." + lastSeq;
        String signed = lastCheckpointSeq >= lastSeq ? "all covered by a valid signed checkpoint"
                : headerSignsEnd ? "records " + unchecked + " covered by the header's signature (its last_hash), "
                + "not yet by a checkpoint"
                : "WARNING: records " + unchecked + " are signed neither by a checkpoint nor by the header";
        return "OK: " + range + " (" + events + " events shown, " + omitted + " omitted), " + checkpoints
                + " checkpoints, " + signed + (headerSigned ? "" : "; WARNING: the header is not signed, so records "
                + "at the export's start or end may have been dropped by whoever held the file");
    }
}
