package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.testing.Race;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A password stored (an account made with one, or one set) racing a switch of its tenant to refusing passwords: the
 * two start on two threads at one barrier ({@link Race}), the switch after a delay that moves it, round by round, from
 * before the password's transaction to after it (the password's call derives its hash first, about 100 ms).
 */
final class PasswordRace {

    /** Rounds a race test runs; each derives one password hash. */
    static final int ROUNDS = 24;

    /** How one round ended: the password's refusal, where it was refused. */
    record Round(Optional<GatewayException> refusal) {
        boolean stored() {
            return refusal.isEmpty();
        }
    }

    private PasswordRace() {
    }

    /** How long {@code password} takes alone, in nanoseconds: the scale of the rounds' delays. */
    static long timed(Race.Change password) {
        long started = System.nanoTime();
        password.run();
        return System.nanoTime() - started;
    }

    /**
     * Round {@code round} of a race: {@code password} against {@code switchToRefusing}, started from 0 to 1.75 times
     * {@code alone} after it. The switch must succeed.
     */
    static Round run(int round, long alone, Race.Change password, Race.Change switchToRefusing) throws Exception {
        long delay = alone * (round % 8) / 4;
        AtomicReference<GatewayException> refusal = new AtomicReference<>();
        Race.Outcome outcome = Race.run(() -> {
            try {
                password.run();
            } catch (GatewayException e) {
                refusal.set(e);
                throw e;
            }
        }, () -> {
            sleep(delay);
            switchToRefusing.run();
        });
        if (!outcome.second()) {
            throw new AssertionError("round " + round + ": the switch to refusing passwords was refused");
        }
        return new Round(Optional.ofNullable(refusal.get()));
    }

    /** The password hash the catalog stores for {@code username}, if any. */
    static Optional<String> storedHash(Database database, String username) {
        return database.read(jdbc -> jdbc.queryOne("SELECT password_hash FROM accounts WHERE username = ?",
                row -> Optional.ofNullable(row.getString(1)), username)).flatMap(hash -> hash);
    }

    private static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
