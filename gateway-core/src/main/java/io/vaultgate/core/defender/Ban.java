package io.vaultgate.core.defender;

import java.time.Instant;
import java.util.Objects;

/**
 * A banned source address.
 *
 * @param address the IP address in its canonical text form
 * @param level   how many times in a row it was banned (1 for the first); sets the ban's length
 * @param until   when the ban ends
 * @param reason  why, for operators (never a secret)
 */
public record Ban(String address, int level, Instant until, String reason) {
    public Ban {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(reason, "reason");
    }

    public boolean activeAt(Instant now) {
        return until.isAfter(now);
    }
}
