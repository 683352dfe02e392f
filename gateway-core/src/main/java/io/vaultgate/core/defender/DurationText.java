package io.vaultgate.core.defender;

import java.time.Duration;

/** Durations as people write them: {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}. */
final class DurationText {

    private DurationText() {
    }

    static String of(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0 && seconds > 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3600 == 0 && seconds > 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0 && seconds > 0) {
            return seconds / 60 + "m";
        }
        return duration.toMillis() % 1000 == 0 ? seconds + "s" : duration.toMillis() + "ms";
    }
}
