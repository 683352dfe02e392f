package io.vaultgate.sftp.auth;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the floored steps of an MFA login ({@link AnswerFloor}) are decided and answered, off MINA's threads. The
 * callback only captures what the step needs and throws the {@link AsyncAuthException} {@link #decide} returns at
 * once; the core's check (catalog reads, the TOTP secret's unwrap, lockout and audit writes, Argon2id) runs on a
 * small bounded pool of daemon threads, and the answer is completed no sooner than the floor after the request
 * arrived, by that pool or by this class's own small timer, never by MINA's (which runs MINA's timeouts) nor by its
 * I/O threads. So a request the client sends right behind a step (MINA handles a session's messages in order) is
 * handled as soon as the callback threw, whatever the step's outcome, and no session can hold up another's
 * timeouts. Owned by the SFTP server, closed when it stops.
 *
 * <p>A step whose pool is full is not decided: it is answered through the floor as its caller says
 * ({@code saturated}), never by blocking the I/O thread. A {@link RuntimeException} of the check (a busy catalog, a
 * failed unwrap) is answered through the floor too, as the caller's {@code failed} decides.
 *
 * <p>A worker may write the session's attributes only through {@link Step#ifCurrent}: MINA drops a pending answer
 * when another message arrives, so the step may no longer be the session's current one when its check ends.
 */
public final class AuthSteps implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuthSteps.class);

    /** Threads deciding steps at once: each is mostly waiting on the catalog or in an Argon2id check. */
    static final int WORKERS = 4;

    /** Steps waiting for a worker; beyond it a step is answered through its floor undecided. */
    static final int QUEUE = 64;

    private static final AttributeKey<Steps> STEPS = new AttributeKey<>();

    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor answers;

    public AuthSteps() {
        this(WORKERS, QUEUE);
    }

    AuthSteps(int workers, int queue) {
        this.workers = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), daemons("sftp-auth-step-"), new ThreadPoolExecutor.AbortPolicy());
        this.workers.allowCoreThreadTimeOut(true);
        this.answers = new ScheduledThreadPoolExecutor(1, daemons("sftp-auth-answer-"));
        this.answers.setRemoveOnCancelPolicy(true);
    }

    /** The timer that completes answers whose floor has not passed when their step was decided. */
    ScheduledExecutorService timer() {
        return answers;
    }

    /**
     * Begins a new step of {@code session}: from now on, only it may write the session's attributes. {@code clear}
     * runs under the session's step lock (a worker of an earlier step cannot write after it).
     */
    static Step begin(ServerSession session, Runnable clear) {
        Steps steps = session.computeAttributeIfAbsent(STEPS, key -> new Steps());
        return steps.begin(clear);
    }

    /**
     * The exception for the step's callback to throw: {@code decision} runs on a worker, and MINA is answered its
     * result (or {@code failed}'s, if it threw) no sooner than {@code floor} after {@code arrivedNanos}. If no worker
     * takes it, {@code saturated} is the answer, through the floor as well.
     */
    AsyncAuthException decide(ServerSession session, AnswerFloor floor, long arrivedNanos, String what,
                              BooleanSupplier decision, Failed failed, BooleanSupplier saturated) {
        AsyncAuthException pending = new AsyncAuthException();
        try {
            workers.execute(() -> {
                boolean authed;
                try {
                    authed = decision.getAsBoolean();
                } catch (RuntimeException e) {
                    LOG.warn("sftp: the {} could not be checked, answered as refused: {}", what,
                            e.getClass().getName());
                    authed = failed.answer(e);
                }
                floor.complete(pending, session, arrivedNanos, authed);
            });
        } catch (RejectedExecutionException full) {
            LOG.warn("sftp: no worker free for the {} ({} waiting), answered as refused", what,
                    workers.getQueue().size());
            floor.complete(pending, session, arrivedNanos, saturated.getAsBoolean());
        }
        return pending;
    }

    /** The answer of a step whose check threw. */
    @FunctionalInterface
    interface Failed {
        boolean answer(RuntimeException e);
    }

    /** Stops deciding and answering; steps still pending are never answered (their sessions are closing). */
    @Override
    public void close() {
        workers.shutdownNow();
        answers.shutdownNow();
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One session's steps: a counter under a lock. */
    private static final class Steps {
        private long current;

        synchronized Step begin(Runnable clear) {
            current++;
            clear.run();
            return new Step(this, current);
        }

        synchronized boolean ifCurrent(long step, Runnable write) {
            if (step != current) {
                return false;
            }
            write.run();
            return true;
        }
    }

    /** A step of a session: it may write the session's attributes while no later step has begun. */
    static final class Step {
        private final Steps steps;
        private final long number;

        private Step(Steps steps, long number) {
            this.steps = steps;
            this.number = number;
        }

        /** Runs {@code write} if this is still the session's current step; under the session's step lock. */
        boolean ifCurrent(Runnable write) {
            return steps.ifCurrent(number, write);
        }
    }
}
