package io.vaultgate.core.metrics;

import java.util.Locale;

/** How a transfer ended, as the {@code outcome} label says it. */
public enum TransferOutcome {
    /** Upload: the file was published. */
    COMMITTED,
    /** Upload: kept as a resumable partial (the connection dropped or the client paused). */
    SUSPENDED,
    /** Upload: the client cancelled; nothing was kept. */
    ABORTED,
    /** Download: every byte of the file was sent at least once before the client closed it. */
    COMPLETED,
    /** Download: the client closed the file before reading to its end (ranges, cancels, dropped connections). */
    INCOMPLETE,
    /** Refused or broken on the way (quota, storage, integrity, a gap in the data); an upload keeps nothing. */
    FAILED;

    /** The reason the core records when it discards an upload on the client's request. */
    public static final String CLIENT_ABORT_REASON = "aborted by the client";

    /** The outcome of a discarded upload, from the reason recorded in its audit event. */
    public static TransferOutcome ofDiscard(String reason) {
        return CLIENT_ABORT_REASON.equals(reason) ? ABORTED : FAILED;
    }

    /** The label value. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
