package io.vaultgate.sftp.auth;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.LongSupplier;

/**
 * The MFA steps' own timer ({@code sftp-auth-answer-1}), which completes the answers whose floor ({@link AnswerFloor})
 * had not passed when their step was decided, and the time those floors count in. Never MINA's timer, which runs
 * MINA's timeouts: completing an answer takes the session's service lock, so no session's answer may hold up another
 * session's timeouts. Stopped with the pool ({@link AuthSteps#close}); an answer still due then is never given (its
 * session is closing).
 */
final class AnswerTimer implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;
    private final LongSupplier clock;

    /** A daemon timer thread of its own, started with the first answer due later, and {@link System#nanoTime}. */
    AnswerTimer() {
        this(new ScheduledThreadPoolExecutor(1, DaemonThreads.named("sftp-auth-answer-")), System::nanoTime);
    }

    /**
     * With {@code timer} completing the answers and {@code clock} (nanoseconds, as {@link System#nanoTime}) the time
     * the floors count in: a test's own timer and time, so that when an answer is due can be asserted exactly.
     */
    AnswerTimer(ScheduledThreadPoolExecutor timer, LongSupplier clock) {
        this.timer = timer;
        this.timer.setRemoveOnCancelPolicy(true);
        this.clock = clock;
    }

    /** The timer that completes answers whose floor has not passed when their step was decided. */
    ScheduledExecutorService timer() {
        return timer;
    }

    /** The time the floors of the answers count in. */
    LongSupplier clock() {
        return clock;
    }

    /** Stops the timer; answers still due are dropped. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
