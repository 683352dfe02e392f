package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;

/**
 * The cause inside the {@link GatewayException} (reason {@code QUOTA_EXCEEDED}) that refuses an upload larger
 * than its tenant's maximum file size, so that a front-end can answer more precisely than "quota exceeded"
 * (HTTP 413). Carries no stack trace: it is a decision, not a failure.
 */
public final class FileTooLarge extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private final long limit;

    private FileTooLarge(String message, long limit) {
        super(message, null, false, false);
        this.limit = limit;
    }

    /** The largest file the tenant accepts, in bytes. */
    public long limit() {
        return limit;
    }

    /** @param what the path, or what was announced, e.g. {@code /inbox/a.csv (Content-Length 20000)} */
    static GatewayException refuse(String what, long limit) {
        String message = what + ": larger than the tenant's maximum file size of " + describe(limit);
        return new GatewayException(Reason.QUOTA_EXCEEDED, message, message, new FileTooLarge(message, limit));
    }

    /** {@code 10 GiB (10737418240 bytes)} for a whole number of a binary unit, else {@code 1000 bytes}. */
    static String describe(long bytes) {
        long value = bytes;
        int unit = -1;
        while (value >= 1024 && value % 1024 == 0 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit < 0 ? bytes + " bytes" : value + " " + UNITS[unit] + " (" + bytes + " bytes)";
    }
}
