package io.vaultgate.sftp.auth;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A time for the answer floors of an MFA login's steps ({@link AnswerFloor}) that runs {@link #FACTOR} times as fast
 * as the machine's, and the timer that gives the answers in it: the password step's 500 ms floor passes in 125 ms,
 * the code step's 400 ms in 100 ms. Every step is still answered through its floor, by the same code (at the floor's
 * end on the timer, or at once by the worker if its check took longer), only sooner.
 *
 * <p>For the tests of what the steps answer, count and score, not of when: each of their MFA logins waited out both
 * floors (0.9 s), most of a login's time. The floors' lengths and what they hide are the subject of
 * {@link TotpStepTimingSftpIT} (exactly, in a time the test moves) and {@link MfaPipelineSftpIT} (on the wall clock),
 * which keep the real time.
 */
final class QuickFloors extends ScheduledThreadPoolExecutor {

    /** How many times as fast as the machine's the floors' time runs. */
    static final int FACTOR = 4;

    private QuickFloors() {
        super(1, task -> {
            Thread thread = new Thread(task, "sftp-auth-answer-quick");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A pool of steps whose floors count in a time {@link #FACTOR} times as fast; the server given it closes it. */
    static AuthSteps steps() {
        return new AuthSteps(new QuickFloors(), () -> System.nanoTime() * FACTOR);
    }

    /** An answer due {@code delay} later in the floors' time: {@link #FACTOR} times sooner on the machine's. */
    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return super.schedule(command, unit.toNanos(delay) / FACTOR, TimeUnit.NANOSECONDS);
    }
}
