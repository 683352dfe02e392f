package io.vaultgate.sftp.auth;

import io.vaultgate.core.defender.RefusalLog;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Writes what is recorded once an MFA step's answer is past (a success MINA dropped, {@code auth.undelivered}) on a
 * thread of its own ({@code sftp-auth-record-1}), not on the thread that completed the answer: that is often the one
 * answer timer ({@link AnswerTimer}), and a slow catalog write there would hold back every other login's answer. One
 * thread, so records are written in the order they were handed over. Its lines are logged under {@link AuthSteps}'
 * name, as before it was split out of it.
 */
final class StepRecorder implements AutoCloseable {

    private static final Logger LOG = AuthSteps.LOG;

    private final int capacity;
    private final Duration drain;
    private final ThreadPoolExecutor records;
    private final RefusalLog recordsFull = new RefusalLog(LOG);

    /**
     * With {@code capacity} records waiting at most (beyond it the caller writes its own), and {@link #close} waiting
     * {@code drain} at most for those handed over before it.
     */
    StepRecorder(int capacity, Duration drain) {
        this.capacity = capacity;
        this.drain = drain;
        this.records = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity),
                DaemonThreads.named("sftp-auth-record-"), new ThreadPoolExecutor.AbortPolicy());
        this.records.allowCoreThreadTimeOut(true);
    }

    /**
     * Hands {@code write} (an audit record of an answer already given, which must not throw) to the recorder thread,
     * without waiting: records are written one at a time, in the order handed over, each after what its step recorded
     * before its answer (the caller hands it over after the answer). If the recorder's queue is full, or this is
     * closed, the caller writes it itself: a record is never dropped.
     */
    void record(Runnable write) {
        try {
            records.execute(write);
        } catch (RejectedExecutionException full) {
            recordsFull.refused(since -> "sftp: the authentication records' queue is full (" + capacity + " waiting) or"
                    + " closed, written on the answering thread; " + since + " since the last such line (logged at"
                    + " most once a minute)");
            write.run();
        }
    }

    /**
     * Whether every record handed over before this call has been written, waiting {@code timeout} at most (tests).
     */
    boolean written(Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                records.execute(done::countDown); // behind every record handed over before
                break;
            } catch (RejectedExecutionException full) {
                if (records.isShutdown() || System.nanoTime() - deadline > 0) {
                    return records.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
                Thread.sleep(1);
            }
        }
        return done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * Takes no more records (a record handed over later is written by its caller) and writes those handed over before,
     * waiting for them {@code drain} at most; those still waiting then are named in a WARN.
     */
    @Override
    public void close() {
        records.shutdown();
        try {
            if (!records.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("sftp: {} authentication records (auth.undelivered) not written {} after the listener"
                        + " stopped; they are lost", records.getQueue().size() + records.getActiveCount(),
                        drain.toSeconds() + "s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
