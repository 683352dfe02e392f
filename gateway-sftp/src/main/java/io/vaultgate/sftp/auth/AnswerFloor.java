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
 * <p>The step decides at once, on MINA's I/O thread as every other authentication callback does, then throws the
 * {@link AsyncAuthException} {@link #answer} returns: MINA's {@code ServerUserAuthService} (2.20.0) takes one from
 * a {@code password} or {@code keyboard-interactive} callback, sends nothing, and answers the step (partial
 * success, success or failure) when it is completed, unless the client sent another message meanwhile, the session
 * closes or the service was replaced. The completion is scheduled on the server's own timer, MINA's scheduled
 * executor (one daemon thread, shut down when the server stops, which MINA already uses for its timeouts), so no
 * I/O thread waits out the floor, and sessions' steps overlap.
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

    /** Schedules on the session's server's timer ({@code FactoryManager.getScheduledExecutorService}). */
    AnswerFloor(Duration floor) {
        this(floor, session -> session.getFactoryManager().getScheduledExecutorService(), System::nanoTime);
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
     * The exception for the step's callback to throw: MINA answers {@code authenticated} once it completes, which
     * is no sooner than the floor after {@code arrivedNanos} ({@link #arrived}). If the server's timer no longer
     * takes tasks (the server is stopping) the session is closed instead of answered early.
     */
    AsyncAuthException answer(ServerSession session, long arrivedNanos, boolean authenticated) {
        AsyncAuthException pending = new AsyncAuthException();
        long wait = Math.max(0, floor.toNanos() - (nanoClock.getAsLong() - arrivedNanos));
        try {
            timer.apply(session).schedule(() -> pending.setAuthed(authenticated), wait, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("sftp: no timer to answer an authentication step, closing the session: {}", stopped.toString());
            session.close(true);
        }
        return pending;
    }
}
