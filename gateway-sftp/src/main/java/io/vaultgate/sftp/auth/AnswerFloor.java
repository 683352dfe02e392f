package io.vaultgate.sftp.auth;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds MINA's answer to an authentication step back until a fixed time after its request arrived, so that how long
 * the step took to decide tells the client nothing. Used for both steps of a login whose role requires MFA
 * ({@code password,keyboard-interactive} and the code step of {@code publickey,keyboard-interactive}): a right
 * password's wrong code is checked by the core (catalog reads, the secret's unwrap, a lockout count and an audit
 * write: 5-143 ms on SQLite under load, about 11 ms on PostgreSQL), a refused password's code step only scored
 * (median 2.5 ms), and at the password step a wrong password's lockout count is a catalog write a right one does
 * not make.
 * Every outcome of a floored step (right or wrong) is answered no sooner than its floor after arrival:
 * {@link #PASSWORD_STEP} and {@link #CODE_STEP}.
 *
 * <p>The step is decided on a worker of {@link AuthSteps}, not on MINA's I/O thread, and its callback throws the
 * {@link AsyncAuthException} at once: MINA's {@code ServerUserAuthService} (2.20.0) takes one from a
 * {@code password} or {@code keyboard-interactive} callback, sends nothing, and answers the step (partial success,
 * success or failure) when it is completed, unless the client sent another message meanwhile, the session closes or
 * the service was replaced. The answer is completed at the later of the floor and the decision's end, by the worker
 * or by {@link AuthSteps}'s own timer, never by MINA's (one thread, which runs MINA's timeouts, and completing an
 * answer takes the session's service lock), so no I/O thread waits, and sessions' steps overlap.
 */
final class AnswerFloor {

    private static final Logger LOG = LoggerFactory.getLogger(AnswerFloor.class);

    /**
     * The floor of the code step, whatever came first (a key or a password). Its slowest outcome, a right first
     * step's wrong code, took 5-57 ms on SQLite (median 15) with the 2-core test machine loaded by parallel builds,
     * and up to 143 ms (median 45) when it was loaded more, against 1-29 ms (up to 103) after a refused password;
     * about 11 ms on PostgreSQL: 400 ms covers the worst seen almost three times over, and a person who has just
     * typed a code does not notice it.
     */
    static final Duration CODE_STEP = Duration.ofMillis(400);

    /**
     * The floor of the password step of {@code password,keyboard-interactive}, which differs by a wrong password's
     * lockout count (a catalog write) only, but around an Argon2id check whose own time varies far more: 110-400 ms
     * under the same load. At 250 ms a quarter of the wrong passwords' steps (the
     * write's) still ended after the floor; 500 ms covers the check under that load (not under a heavier one, where
     * the write's few milliseconds are lost in the check's own spread of hundreds).
     */
    static final Duration PASSWORD_STEP = Duration.ofMillis(500);

    private final Duration floor;
    private final Function<ServerSession, ScheduledExecutorService> timer;
    private final LongSupplier nanoClock;

    /** Completes late answers on {@code timer} ({@link AuthSteps#timer}: not MINA's, which runs its timeouts). */
    AnswerFloor(Duration floor, ScheduledExecutorService timer) {
        this(floor, session -> timer, System::nanoTime);
    }

    AnswerFloor(Duration floor, Function<ServerSession, ScheduledExecutorService> timer, LongSupplier nanoClock) {
        if (floor.isNegative()) {
            throw new IllegalArgumentException("an answer floor cannot be negative: " + floor);
        }
        this.floor = floor;
        this.timer = Objects.requireNonNull(timer, "timer");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** The time to pass to {@link #answer}: now, when a step's request has arrived. */
    long arrived() {
        return nanoClock.getAsLong();
    }

    /**
     * A pending answer completed with {@code authenticated} no sooner than the floor after {@code arrivedNanos}
     * ({@link #answer}'s, for a step decided at once).
     */
    AsyncAuthException answer(ServerSession session, long arrivedNanos, boolean authenticated) {
        AsyncAuthException pending = new AsyncAuthException();
        complete(pending, session, arrivedNanos, authenticated);
        return pending;
    }

    /**
     * Completes {@code pending} with {@code authenticated}: at once on the calling thread (a worker of
     * {@link AuthSteps}) if the floor after {@code arrivedNanos} has passed, else on the timer when it does. If the
     * timer no longer takes tasks (the server is stopping) the session is closed instead of answered early.
     */
    void complete(AsyncAuthException pending, ServerSession session, long arrivedNanos, boolean authenticated) {
        long wait = Math.max(0, floor.toNanos() - (nanoClock.getAsLong() - arrivedNanos));
        if (wait == 0) {
            pending.setAuthed(authenticated);
            return;
        }
        try {
            timer.apply(session).schedule(() -> pending.setAuthed(authenticated), wait, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("sftp: no timer to answer an authentication step, closing the session: {}", stopped.toString());
            session.close(true);
        }
    }
}
