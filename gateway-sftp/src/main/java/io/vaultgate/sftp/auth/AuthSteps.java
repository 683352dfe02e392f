package io.vaultgate.sftp.auth;

import io.vaultgate.core.defender.RefusalLog;
import io.vaultgate.core.defender.SourceAddress;
import io.vaultgate.sftp.events.StepRefusal;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the floored steps of an MFA login ({@link AnswerFloor}) are decided and answered, off MINA's threads. The
 * callback only captures what the step needs and throws the {@link AsyncAuthException} {@link #decide} returns at
 * once; the core's check (catalog reads, the TOTP secret's unwrap, lockout and audit writes, Argon2id) runs on a
 * small bounded pool of daemon threads, and the answer is completed no sooner than the floor after the request
 * arrived, by that pool or by its own small timer ({@link AnswerTimer}), never by MINA's (which runs MINA's timeouts)
 * nor by its I/O threads. So a request the client sends right behind a step (MINA handles a session's messages in
 * order) is handled as soon as the callback threw, whatever the step's outcome, and no session can hold up another's
 * timeouts. Owned by the SFTP server, closed when it stops.
 *
 * <p>A step whose pool is full is not decided: it is answered through the floor as its caller says ({@code saturated},
 * told why: a {@link StepRefusal}), never by blocking the I/O thread. So is a step of a source that already holds its
 * share ({@link #PER_SOURCE} steps waiting for or held by a worker), so that one source flooding MFA steps cannot fill
 * the pool and have every other source's steps refused: it only refuses its own. A source is what the defender and
 * {@code sftp.max-connections-per-source} count ({@link SourceAddress#key}: an IPv4 address, an IPv6 /64; the address a
 * trusted balancer's PROXY header named). Beyond that share the pool is shared fairly among the sources (round robin,
 * and a step of a source holding fewer places pushing out a waiting step of one holding more): {@link FairStepQueue}
 * decides which step gets which place. A {@link RuntimeException} of the check (a busy catalog, a failed unwrap) is
 * answered through the floor too, as the caller's {@code failed} decides.
 *
 * <p>A worker may write the session's attributes only through {@link SessionStep#ifCurrent}. What is recorded once
 * an answer is past is written by the pool's own recorder thread ({@link StepRecorder}).
 */
public final class AuthSteps implements AutoCloseable {

    /** The category of the pool's lines, also of its recorder's ({@link StepRecorder}), split out of it. */
    static final Logger LOG = LoggerFactory.getLogger(AuthSteps.class);

    /** Threads deciding steps at once: each is mostly waiting on the catalog or in an Argon2id check. */
    static final int WORKERS = 4;

    /**
     * Steps waiting for a worker; beyond it a step is answered through its floor undecided, unless it takes the place
     * of a step of a source holding two or more places than its own ({@link FairStepQueue#admit}).
     */
    static final int QUEUE = 64;

    /**
     * Steps of one source waiting for or held by a worker at once; beyond it that source's steps are answered through
     * their floor undecided. A person's login has one step at a time, an office behind one address a few; 8 of the
     * pool's 68 places leave the rest to at least 7 other sources, and a source at its share still has a step
     * decided as soon as one of its own ends.
     */
    static final int PER_SOURCE = 8;

    /**
     * Records waiting for the recorder thread ({@link #record}); beyond it the thread handing one over writes it
     * itself (nothing is dropped). As many as the steps the pool holds at once: each step leaves one record at most.
     */
    static final int RECORDS = WORKERS + QUEUE;

    /** How long {@link #close} waits for the records handed over before it. */
    public static final Duration RECORDS_DRAIN = Duration.ofSeconds(5);

    /** Runs at most {@code workers} loops, each deciding waiting steps until none is left. */
    private final ThreadPoolExecutor workers;
    private final FairStepQueue<HandedStep> queue;
    private final AnswerTimer answers;
    private final StepRecorder recorder = new StepRecorder(RECORDS, RECORDS_DRAIN);
    private final RefusalLog overShare = new RefusalLog(LOG);
    private final RefusalLog pushedOut = new RefusalLog(LOG);
    private final RefusalLog poolFull = new RefusalLog(LOG);

    public AuthSteps() {
        this(WORKERS, QUEUE, PER_SOURCE);
    }

    AuthSteps(int workers, int queue, int perSource) {
        this(workers, queue, perSource, new AnswerTimer());
    }

    /**
     * With {@code timer} completing the answers whose floor has not passed, and {@code clock} (nanoseconds, as
     * {@link System#nanoTime}) the time the floors count in: a test's own timer and time, so that when an answer is
     * due can be asserted exactly on any machine, however loaded.
     */
    AuthSteps(ScheduledThreadPoolExecutor timer, LongSupplier clock) {
        this(WORKERS, QUEUE, PER_SOURCE, new AnswerTimer(timer, clock));
    }

    private AuthSteps(int workers, int queue, int perSource, AnswerTimer answers) {
        this.queue = new FairStepQueue<>(workers, queue, perSource);
        // never more loops than threads are handed over (running <= workers), so the queue stays short
        this.workers = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), DaemonThreads.named("sftp-auth-step-"),
                new ThreadPoolExecutor.AbortPolicy());
        this.workers.allowCoreThreadTimeOut(true);
        this.answers = answers;
    }

    /** The timer that completes answers whose floor has not passed when their step was decided. */
    ScheduledExecutorService timer() {
        return answers.timer();
    }

    /** The time the floors of the steps answered here count in ({@link System#nanoTime} but in tests). */
    LongSupplier clock() {
        return answers.clock();
    }

    /**
     * Hands {@code write} to the recorder thread, or writes it here if that is full or closed
     * ({@link StepRecorder#record}).
     */
    void record(Runnable write) {
        recorder.record(write);
    }

    /**
     * Whether every record handed over before this call has been written, waiting {@code timeout} at most (tests).
     */
    boolean recordsWritten(Duration timeout) throws InterruptedException {
        return recorder.written(timeout);
    }

    /**
     * The exception for the step's callback to throw: {@code decision} runs on a worker, and MINA is answered its
     * result (or {@code failed}'s, if it threw) no sooner than {@code floor} after {@code arrivedNanos}. If no worker
     * takes it, or the session's source already holds its share ({@link #PER_SOURCE}), {@code saturated} is the
     * answer, through the floor as well; so it is if a step of a source holding fewer places takes its waiting place
     * later ({@link FairStepQueue}). {@code saturated} is told why ({@link StepRefusal}; a step handed over while
     * the pool stops is {@link StepRefusal#STOPPING}). The source's count is taken here and released when the
     * decision ends, whatever its outcome (decided, thrown, not taken by a worker); the session closing meanwhile
     * changes nothing (the decision still runs and ends).
     */
    PendingAnswer decide(ServerSession session, AnswerFloor floor, long arrivedNanos, String what,
                         BooleanSupplier decision, Failed failed, Saturated saturated) {
        PendingAnswer pending = new PendingAnswer();
        String source = SourceAddress.canonical(SessionPrincipal.sourceAddress(session));
        if (!queue.take(source)) {
            overShare.refused(source, since -> "sftp: MFA steps of a source past its share of the workers ("
                    + queue.share() + " waiting or being decided), answered as refused; " + since
                    + " (logged at most once a minute)");
            floor.complete(pending, session, arrivedNanos, saturated.answer(StepRefusal.SOURCE_SHARE));
            return pending;
        }
        HandedStep step = new HandedStep(source, () -> {
            boolean authed;
            try {
                authed = decision.getAsBoolean();
            } catch (RuntimeException e) {
                LOG.warn("sftp: the {} could not be checked, answered as refused: {}", what, e.getClass().getName());
                authed = failed.answer(e);
            } finally {
                queue.release(source);
            }
            floor.complete(pending, session, arrivedNanos, authed);
        }, why -> floor.complete(pending, session, arrivedNanos, saturated.answer(why)));
        FairStepQueue.Admission<HandedStep> admission = queue.admit(source, step);
        if (admission.pushedOut() != null) {
            HandedStep victim = admission.pushedOut();
            pushedOut.refused(victim.source(), since -> "sftp: the MFA steps' pool is full (" + queue.workers()
                    + " being decided, " + queue.places() + " waiting): a waiting step of a source holding more of it"
                    + " gave its place to another source's, answered as refused; " + since
                    + " (logged at most once a minute)");
            victim.refuse().accept(StepRefusal.PUSHED_OUT);
        }
        switch (admission.place()) {
            case WORKER -> {
                try {
                    workers.execute(() -> decideInTurn(step));
                } catch (RejectedExecutionException stopped) {
                    queue.release(source);
                    queue.workerEnded();
                    step.refuse().accept(StepRefusal.STOPPING);
                }
            }
            case WAITING -> { }
            case CLOSED -> {
                queue.release(source);
                step.refuse().accept(StepRefusal.STOPPING);
            }
            case NONE -> {
                queue.release(source);
                poolFull.refused(source, since -> "sftp: the MFA steps' pool is full (" + queue.workers()
                        + " being decided, " + queue.places() + " places to wait): a step answered as refused; " + since
                        + " (logged at most once a minute)");
                step.refuse().accept(StepRefusal.POOL_FULL);
            }
        }
        return pending;
    }

    /**
     * A worker's loop: decides {@code first}, then the waiting steps one source at a time in turn, until none waits. A
     * step whose answer fails (a timer stopped meanwhile) does not end the loop; should the loop end anyway (an
     * {@link Error}), its worker is no longer counted, and the next step handed over starts another.
     */
    private void decideInTurn(HandedStep first) {
        HandedStep step = first;
        try {
            while (step != null) {
                try {
                    step.decide().run();
                } catch (RuntimeException e) {
                    LOG.warn("sftp: an MFA step's answer could not be given: {}", e.getClass().getName());
                }
                step = queue.next();
            }
        } finally {
            if (step != null) {
                queue.workerEnded();
            }
        }
    }

    /** Steps of the source of {@code address} (its /64 for IPv6) waiting for or held by a worker now. */
    int inFlight(String address) {
        return queue.held(SourceAddress.canonical(address));
    }

    /** Sources with a step waiting for or held by a worker now. */
    int sourcesInFlight() {
        return queue.sources();
    }

    /**
     * A step handed over: {@code decide} checks it and answers (releasing its count first), {@code refuse} answers
     * it undecided, through the floor, for the reason given (its count already released).
     */
    private record HandedStep(String source, Runnable decide, Consumer<StepRefusal> refuse) {
    }

    /** The answer of a step whose check threw. */
    @FunctionalInterface
    interface Failed {
        boolean answer(RuntimeException e);
    }

    /** The answer of a step the pool did not decide, and why. */
    @FunctionalInterface
    interface Saturated {
        boolean answer(StepRefusal why);
    }

    /**
     * Stops deciding and answering; steps still pending are never answered (their sessions are closing), and the
     * counts of the steps still waiting, which no worker will run, are dropped. Records already handed over are
     * written before this returns, for {@link #RECORDS_DRAIN} at most (so before the audit log's last checkpoint at
     * shutdown); those still waiting then are named in a WARN. A record handed over later is written by its caller.
     */
    @Override
    public void close() {
        queue.close();
        workers.shutdownNow();
        answers.close();
        recorder.close();
    }
}
