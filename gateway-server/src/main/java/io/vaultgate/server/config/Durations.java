package io.vaultgate.server.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as configuration writes them: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 24h}, {@code 7d},
 * or ISO-8601 ({@code PT30S}). A bare number is rejected: its unit would be a guess.
 */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h|d)");
    private static final String EXAMPLES = "use e.g. 30s, 10m, 24h, 500ms or ISO-8601 such as PT30S";

    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.strip();
        Matcher m = SIMPLE.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            if (t.startsWith("P") || t.startsWith("p")) {
                Duration d = Duration.parse(t);
                if (!d.isNegative()) {
                    return d;
                }
            }
        } catch (ArithmeticException | DateTimeParseException e) {
            // fall through to the one error below
        }
        throw new InvalidValue("not a duration " + InvalidValue.quote(text), EXAMPLES);
    }

    /** The exact form in the largest unit: {@code 24h}, {@code 2d}, {@code 90s}, {@code 500ms}; ISO-8601 otherwise. */
    static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0 && (i > 0 || ms / sizes[i] > 1)) { // 24h reads better than 1d
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }
}
