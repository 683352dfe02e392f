package io.vaultgate.sftp.auth;

import io.vaultgate.core.defender.RefusalLog;
import io.vaultgate.core.defender.SourceAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
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
 * ({@code saturated}), never by blocking the I/O thread. So is a step of a source that already holds its share
 * ({@link #PER_SOURCE} steps waiting for or held by a worker), so that one source flooding MFA steps cannot fill the
 * pool and have every other source's steps refused: it only refuses its own. A source is what the defender and
 * {@code sftp.max-connections-per-source} count ({@link SourceAddress#key}: an IPv4 address, an IPv6 /64; the
 * address a trusted balancer's PROXY header named). The pool is shared fairly among the sources beyond that:
 * waiting steps go to the workers one source at a time in turn (round robin), not in arrival order, so a step waits
 * behind one step of each other source with steps waiting, not behind another source's backlog; and when every place
 * is taken, a step of a source holding fewer places than another by two or more takes the place of that other
 * source's newest waiting step (the source holding most; of two holding as many, the one whose step arrived last),
 * which is answered as a step finding the pool full is. So however many sources flood the pool, a source with
 * nothing in it gets a place as long as another holds two or more: it takes as many sources as the pool has places
 * (68), each holding one, to refuse another source's step, where 9 sources holding their share of 8 used to. A
 * {@link RuntimeException} of the check (a busy catalog, a failed unwrap) is answered through the floor too, as the
 * caller's {@code failed} decides.
 *
 * <p>A worker may write the session's attributes only through {@link Step#ifCurrent}: MINA drops a pending answer
 * when another message arrives, so the step may no longer be the session's current one when its check ends.
 *
 * <p>What is recorded once an answer is past (a success MINA dropped, {@code auth.undelivered}) is written by this
 * class's own recorder thread ({@link #record}), not by the thread that completed the answer: that is often the one
 * timer, and a slow catalog write there would hold back every other login's answer.
 */
public final class AuthSteps implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuthSteps.class);

    /** Threads deciding steps at once: each is mostly waiting on the catalog or in an Argon2id check. */
    static final int WORKERS = 4;

    /**
     * Steps waiting for a worker; beyond it a step is answered through its floor undecided, unless it takes the place
     * of a step of a source holding two or more places than its own ({@link #decide}).
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

    private static final AttributeKey<Steps> STEPS = new AttributeKey<>();

    /** Runs at most {@link #workerCount} loops, each deciding waiting steps until none is left. */
    private final ThreadPoolExecutor workers;
    private final int workerCount;
    private final int queueCapacity;
    private final ScheduledThreadPoolExecutor answers;
    private final LongSupplier clock;
    /** How long {@link #close} waits for the records handed over before it. */
    public static final Duration RECORDS_DRAIN = Duration.ofSeconds(5);

    /** One thread, so records are written in the order they were handed over. */
    private final ThreadPoolExecutor records;
    private final RefusalLog recordsFull = new RefusalLog(LOG);
    private final int perSource;
    /**
     * Steps per source (its {@link SourceAddress#key}) taken and not yet released; no entry at zero. Changed under
     * {@link #lock} only.
     */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final RefusalLog overShare = new RefusalLog(LOG);
    private final RefusalLog pushedOut = new RefusalLog(LOG);
    private final RefusalLog poolFull = new RefusalLog(LOG);
    /** Guards {@link #waiting}, {@link #turns}, {@link #queued}, {@link #running}, {@link #arrivals}, {@link #closed}. */
    private final Object lock = new Object();
    /** Each source's steps waiting for a worker, oldest first; no entry without one. */
    private final Map<String, ArrayDeque<Waiting>> waiting = new HashMap<>();
    /** The sources with steps waiting, in the order they get a worker. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    private int queued;
    private int running;
    private long arrivals;
    private boolean closed;

    public AuthSteps() {
        this(WORKERS, QUEUE, PER_SOURCE);
    }

    AuthSteps(int workers, int queue, int perSource) {
        this(workers, queue, perSource, new ScheduledThreadPoolExecutor(1, daemons("sftp-auth-answer-")),
                System::nanoTime);
    }

    /**
     * With {@code timer} completing the answers whose floor has not passed, and {@code clock} (nanoseconds, as
     * {@link System#nanoTime}) the time the floors count in: a test's own timer and time, so that when an answer is
     * due can be asserted exactly on any machine, however loaded.
     */
    AuthSteps(ScheduledThreadPoolExecutor timer, LongSupplier clock) {
        this(WORKERS, QUEUE, PER_SOURCE, timer, clock);
    }

    private AuthSteps(int workers, int queue, int perSource, ScheduledThreadPoolExecutor timer, LongSupplier clock) {
        if (perSource < 1) {
            throw new IllegalArgumentException("a source's share of the MFA steps must be 1 or more: " + perSource);
        }
        this.perSource = perSource;
        this.workerCount = workers;
        this.queueCapacity = queue;
        // never more loops than threads are handed over (running <= workers), so the queue stays short
        this.workers = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemons("sftp-auth-step-"), new ThreadPoolExecutor.AbortPolicy());
        this.workers.allowCoreThreadTimeOut(true);
        this.answers = timer;
        this.answers.setRemoveOnCancelPolicy(true);
        this.clock = clock;
        this.records = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(RECORDS),
                daemons("sftp-auth-record-"), new ThreadPoolExecutor.AbortPolicy());
        this.records.allowCoreThreadTimeOut(true);
    }

    /** The timer that completes answers whose floor has not passed when their step was decided. */
    ScheduledExecutorService timer() {
        return answers;
    }

    /** The time the floors of the steps answered here count in ({@link System#nanoTime} but in tests). */
    LongSupplier clock() {
        return clock;
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
            recordsFull.refused(since -> "sftp: the authentication records' queue is full (" + RECORDS + " waiting) or"
                    + " closed, written on the answering thread; " + since + " since the last such line (logged at"
                    + " most once a minute)");
            write.run();
        }
    }

    /**
     * Whether every record handed over before this call has been written, waiting {@code timeout} at most (tests).
     */
    boolean recordsWritten(Duration timeout) throws InterruptedException {
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
     * takes it, or the session's source already holds its share ({@link #PER_SOURCE}), {@code saturated} is the
     * answer, through the floor as well; so it is if a step of a source holding fewer places takes its waiting place
     * later (see the class comment). The source's count is taken here and released when the decision ends,
     * whatever its outcome (decided, thrown, not taken by a worker); the session closing meanwhile changes nothing
     * (the decision still runs and ends).
     */
    Pending decide(ServerSession session, AnswerFloor floor, long arrivedNanos, String what,
                   BooleanSupplier decision, Failed failed, BooleanSupplier saturated) {
        Pending pending = new Pending();
        String source = SourceAddress.canonical(SessionPrincipal.sourceAddress(session));
        if (!take(source)) {
            overShare.refused(source, since -> "sftp: MFA steps of a source past its share of the workers ("
                    + perSource + " waiting or being decided), answered as refused; " + since
                    + " (logged at most once a minute)");
            floor.complete(pending, session, arrivedNanos, saturated.getAsBoolean());
            return pending;
        }
        Waiting step = new Waiting(source, () -> {
            boolean authed;
            try {
                authed = decision.getAsBoolean();
            } catch (RuntimeException e) {
                LOG.warn("sftp: the {} could not be checked, answered as refused: {}", what, e.getClass().getName());
                authed = failed.answer(e);
            } finally {
                release(source);
            }
            floor.complete(pending, session, arrivedNanos, authed);
        }, () -> floor.complete(pending, session, arrivedNanos, saturated.getAsBoolean()));
        Admission admission = admit(step);
        if (admission.victim() != null) {
            Waiting victim = admission.victim();
            pushedOut.refused(victim.source(), since -> "sftp: the MFA steps' pool is full (" + workerCount
                    + " being decided, " + queueCapacity + " waiting): a waiting step of a source holding more of it"
                    + " gave its place to another source's, answered as refused; " + since
                    + " (logged at most once a minute)");
            victim.saturated().run();
        }
        if (admission.run()) {
            try {
                workers.execute(() -> decideInTurn(step));
            } catch (RejectedExecutionException stopped) {
                release(source);
                synchronized (lock) {
                    running--;
                }
                step.saturated().run();
            }
        } else if (!admission.queued()) {
            release(source);
            poolFull.refused(source, since -> "sftp: the MFA steps' pool is full (" + workerCount + " being decided, "
                    + queueCapacity + " places to wait): a step answered as refused; " + since
                    + " (logged at most once a minute)");
            step.saturated().run();
        }
        return pending;
    }

    /**
     * Gives {@code step} a worker if one is free, or a waiting place if one is free, or the place of the newest
     * waiting step of the source holding most places if that source holds two or more than the step's source (that
     * step is then the victim, its count released); otherwise neither (the pool is full for it).
     */
    private Admission admit(Waiting step) {
        synchronized (lock) {
            if (closed) {
                return new Admission(false, false, null);
            }
            if (running < workerCount) {
                running++;
                return new Admission(true, false, null);
            }
            Waiting victim = null;
            if (queued >= queueCapacity) {
                victim = pushOutFor(step.source());
                if (victim == null) {
                    return new Admission(false, false, null);
                }
            }
            step.arrival = ++arrivals;
            ArrayDeque<Waiting> steps = waiting.computeIfAbsent(step.source(), key -> new ArrayDeque<>());
            if (steps.isEmpty()) {
                turns.addLast(step.source());
            }
            steps.addLast(step);
            queued++;
            return new Admission(false, true, victim);
        }
    }

    /**
     * Under {@link #lock}: takes out and releases the newest waiting step of the source with waiting steps that holds
     * most places (of two holding as many, the one whose newest step arrived last), if it holds two or more than
     * {@code source}; null if no source does.
     */
    private Waiting pushOutFor(String source) {
        int holds = inFlight.getOrDefault(source, 0) - 1; // its step was counted already
        String heaviest = null;
        int heaviestHolds = -1;
        long heaviestArrival = -1;
        for (Map.Entry<String, ArrayDeque<Waiting>> entry : waiting.entrySet()) {
            int held = inFlight.getOrDefault(entry.getKey(), 0);
            long arrival = entry.getValue().peekLast().arrival;
            if (held > heaviestHolds || (held == heaviestHolds && arrival > heaviestArrival)) {
                heaviest = entry.getKey();
                heaviestHolds = held;
                heaviestArrival = arrival;
            }
        }
        if (heaviest == null || heaviestHolds < holds + 2) {
            return null;
        }
        ArrayDeque<Waiting> steps = waiting.get(heaviest);
        Waiting victim = steps.pollLast();
        if (steps.isEmpty()) {
            waiting.remove(heaviest);
            turns.remove(heaviest);
        }
        queued--;
        release(heaviest);
        return victim;
    }

    /**
     * A worker's loop: decides {@code first}, then the waiting steps one source at a time in turn, until none waits. A
     * step whose answer fails (a timer stopped meanwhile) does not end the loop; should the loop end anyway (an
     * {@link Error}), its worker is no longer counted, and the next step handed over starts another.
     */
    private void decideInTurn(Waiting first) {
        Waiting step = first;
        try {
            while (step != null) {
                try {
                    step.decide().run();
                } catch (RuntimeException e) {
                    LOG.warn("sftp: an MFA step's answer could not be given: {}", e.getClass().getName());
                }
                step = next();
            }
        } finally {
            if (step != null) {
                synchronized (lock) {
                    running--;
                }
            }
        }
    }

    /** The next waiting step (of the source whose turn it is), or null with this worker no longer counted. */
    private Waiting next() {
        synchronized (lock) {
            String source = closed ? null : turns.pollFirst();
            if (source == null) {
                running--;
                return null;
            }
            ArrayDeque<Waiting> steps = waiting.get(source);
            Waiting step = steps.pollFirst();
            if (steps.isEmpty()) {
                waiting.remove(source);
            } else {
                turns.addLast(source);
            }
            queued--;
            return step;
        }
    }

    /** Counts a step of {@code source} unless it holds its share already; whether it was counted. */
    private boolean take(String source) {
        synchronized (lock) {
            int held = inFlight.getOrDefault(source, 0);
            if (held >= perSource) {
                return false;
            }
            inFlight.put(source, held + 1);
            return true;
        }
    }

    private void release(String source) {
        synchronized (lock) {
            inFlight.computeIfPresent(source, (key, held) -> held <= 1 ? null : held - 1);
        }
    }

    /** Steps of the source of {@code address} (its /64 for IPv6) waiting for or held by a worker now. */
    int inFlight(String address) {
        return inFlight.getOrDefault(SourceAddress.canonical(address), 0);
    }

    /** Sources with a step waiting for or held by a worker now. */
    int sourcesInFlight() {
        return inFlight.size();
    }

    /**
     * MINA's pending answer of a step ({@link #decide}), which can tell whether MINA took the answer: the action
     * given to {@link #whenTaken} runs right after MINA's own listener, the first one added ({@code
     * ServerUserAuthService} adds it as it catches the exception), has had the answer, which it sends, or drops
     * when another message of the session arrived meanwhile or the session is closing. On the thread that completed
     * the answer (a worker or the timer).
     */
    static final class Pending extends AsyncAuthException {
        private static final long serialVersionUID = 1L;

        private final transient AtomicBoolean first = new AtomicBoolean(true);
        private transient volatile Consumer<Boolean> whenTaken;

        /** Runs {@code action} with the answer once MINA's listener has had it; set before the exception is thrown. */
        void whenTaken(Consumer<Boolean> action) {
            this.whenTaken = action;
        }

        @Override
        public void addListener(Consumer<? super Boolean> listener) {
            if (!first.compareAndSet(true, false)) {
                super.addListener(listener);
                return;
            }
            super.addListener(authed -> {
                listener.accept(authed);
                Consumer<Boolean> action = whenTaken;
                if (action != null) {
                    action.accept(authed);
                }
            });
        }
    }

    /**
     * A step handed over: {@code decide} checks it and answers (releasing its count first), {@code saturated} answers
     * it undecided, through the floor (its count already released).
     */
    private static final class Waiting {
        private final String source;
        private final Runnable decide;
        private final Runnable saturated;
        /** Its place in the order steps were queued in (set and read under the pool's lock). */
        long arrival;

        Waiting(String source, Runnable decide, Runnable saturated) {
            this.source = source;
            this.decide = decide;
            this.saturated = saturated;
        }

        String source() {
            return source;
        }

        Runnable decide() {
            return decide;
        }

        Runnable saturated() {
            return saturated;
        }
    }

    /** What {@link #admit} gave a step: a worker now, a waiting place, or neither; and the step it pushed out. */
    private record Admission(boolean run, boolean queued, Waiting victim) {
    }

    /** The answer of a step whose check threw. */
    @FunctionalInterface
    interface Failed {
        boolean answer(RuntimeException e);
    }

    /**
     * Stops deciding and answering; steps still pending are never answered (their sessions are closing), and the
     * counts of the steps still waiting, which no worker will run, are dropped. Records already handed over are
     * written before this returns, for {@link #RECORDS_DRAIN} at most (so before the audit log's last checkpoint at
     * shutdown); those still waiting then are named in a WARN. A record handed over later is written by its caller.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            waiting.clear();
            turns.clear();
            queued = 0;
            inFlight.clear();
        }
        workers.shutdownNow();
        answers.shutdownNow();
        records.shutdown();
        try {
            if (!records.awaitTermination(RECORDS_DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("sftp: {} authentication records (auth.undelivered) not written {} after the listener"
                        + " stopped; they are lost", records.getQueue().size() + records.getActiveCount(), RECORDS_DRAIN.toSeconds() + "s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
