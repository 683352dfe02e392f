package io.vaultgate.server.cli;

import java.time.Duration;

/**
 * Parses a duration given on the command line ({@code site route --idle-close}, {@code tenant set --retention},
 * {@code account list --certificates-expiring}) with the configuration's rules ({@link
 * io.vaultgate.server.config.Durations}), naming the option in the error.
 */
final class Durations {

    /** The longest duration {@link #parseBounded} takes: 100 years. */
    static final long MAX_DAYS = 36_500;

    private Durations() {
    }

    static Duration parse(String option, String text) {
        try {
            return io.vaultgate.server.config.Durations.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " " + text + ": not a duration; use e.g. 30s, 15m, 24h");
        }
    }

    /**
     * At most {@link #MAX_DAYS} (100 years): the core adds such durations to dates (a batch's idle close) or
     * subtracts them (retention), and one that overflows a date stops those tasks.
     */
    static Duration parseBounded(String option, String text) {
        Duration duration = parse(option, text);
        if (duration.compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw new IllegalArgumentException(option + " " + text + ": at most " + MAX_DAYS + "d (100 years)");
        }
        return duration;
    }
}
