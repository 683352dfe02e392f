package io.vaultgate.sftp.auth;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Which place of the MFA steps' pool ({@link AuthSteps}) a step gets, and which waiting step a worker decides next.
 * The pool has {@code workers} workers and {@code places} places to wait; each source holds its share of them at most
 * ({@link SourceShares}: a source's step is counted before it is admitted, and not admitted past the share).
 *
 * <p>The pool is shared fairly among the sources beyond that share: waiting steps go to the workers one source at a
 * time in turn (round robin), not in arrival order, so a step waits behind one step of each other source with steps
 * waiting, not behind another source's backlog; and when every place is taken, a step of a source holding fewer
 * places than another by two or more takes the place of that other source's newest waiting step (the source holding
 * most; of two holding as many, the one whose step arrived last), which is then answered as a step finding the pool
 * full is. So however many sources flood the pool, a source with nothing in it gets a place as long as another holds
 * two or more: it takes as many sources as the pool has places (68), each holding one, to refuse another source's
 * step, where 9 sources holding their share of 8 used to.
 *
 * <p>Thread-safe: one lock guards the counts and the waiting steps, since which step gives its place to which is
 * decided from both at once. It runs nothing itself: the caller runs what it is given.
 *
 * @param <T> a step handed over
 */
final class FairStepQueue<T> {

    /** The place {@link #admit} gave a step. */
    enum Place {
        /** A worker, counted now: the caller starts a loop that decides it, then {@link #next} until null. */
        WORKER,
        /** A place to wait: a worker's {@link #next} hands it over in its source's turn. */
        WAITING,
        /** None: the pool is full for it; its count is still the caller's to release. */
        NONE,
        /** None: the pool is closed (the server stops); its count is still the caller's to release. */
        CLOSED
    }

    /** What {@link #admit} gave a step, and the waiting step it pushed out (its count released), or null. */
    record Admission<T>(Place place, T pushedOut) {
    }

    /** A waiting step and its place in the order steps were queued in. */
    private record Waiting<T>(T step, long arrival) {
    }

    private final int workers;
    private final int places;
    /** Steps per source taken and not yet released. */
    private final SourceShares shares;
    /** Guards everything below, and {@link #shares}. */
    private final Object lock = new Object();
    /** Each source's steps waiting for a worker, oldest first; no entry without one. */
    private final Map<String, ArrayDeque<Waiting<T>>> waiting = new HashMap<>();
    /** The sources with steps waiting, in the order they get a worker. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    private int queued;
    private int running;
    private long arrivals;
    private boolean closed;

    /** A pool of {@code workers} workers and {@code places} places to wait, {@code share} of them per source. */
    FairStepQueue(int workers, int places, int share) {
        this.workers = workers;
        this.places = places;
        this.shares = new SourceShares(share);
    }

    /** Workers the pool has. */
    int workers() {
        return workers;
    }

    /** Places to wait the pool has. */
    int places() {
        return places;
    }

    /** A source's share of the pool. */
    int share() {
        return shares.share();
    }

    /** Counts a step of {@code source} unless it holds its share already; whether it was counted. */
    boolean take(String source) {
        synchronized (lock) {
            return shares.take(source);
        }
    }

    /** Gives back the count of a step of {@code source} that ended (decided, thrown, or never admitted). */
    void release(String source) {
        synchronized (lock) {
            shares.release(source);
        }
    }

    /**
     * Gives {@code step} of {@code source}, already counted ({@link #take}), a worker if one is free, or a waiting
     * place if one is free, or the place of the newest waiting step of the source holding most places if that source
     * holds two or more than {@code source} (that step is then pushed out, its count released); otherwise none (the
     * pool is full for it), or {@link Place#CLOSED}.
     */
    Admission<T> admit(String source, T step) {
        synchronized (lock) {
            if (closed) {
                return new Admission<>(Place.CLOSED, null);
            }
            if (running < workers) {
                running++;
                return new Admission<>(Place.WORKER, null);
            }
            T pushedOut = null;
            if (queued >= places) {
                pushedOut = pushOutFor(source);
                if (pushedOut == null) {
                    return new Admission<>(Place.NONE, null);
                }
            }
            ArrayDeque<Waiting<T>> steps = waiting.computeIfAbsent(source, key -> new ArrayDeque<>());
            if (steps.isEmpty()) {
                turns.addLast(source);
            }
            steps.addLast(new Waiting<>(step, ++arrivals));
            queued++;
            return new Admission<>(Place.WAITING, pushedOut);
        }
    }

    /**
     * Under {@link #lock}: takes out and releases the newest waiting step of the source with waiting steps that holds
     * most places (of two holding as many, the one whose newest step arrived last), if it holds two or more than
     * {@code source}; null if no source does.
     */
    private T pushOutFor(String source) {
        int holds = shares.held(source) - 1; // its step was counted already
        String heaviest = null;
        int heaviestHolds = -1;
        long heaviestArrival = -1;
        for (Map.Entry<String, ArrayDeque<Waiting<T>>> entry : waiting.entrySet()) {
            int held = shares.held(entry.getKey());
            long arrival = entry.getValue().peekLast().arrival();
            if (held > heaviestHolds || (held == heaviestHolds && arrival > heaviestArrival)) {
                heaviest = entry.getKey();
                heaviestHolds = held;
                heaviestArrival = arrival;
            }
        }
        if (heaviest == null || heaviestHolds < holds + 2) {
            return null;
        }
        ArrayDeque<Waiting<T>> steps = waiting.get(heaviest);
        Waiting<T> pushedOut = steps.pollLast();
        if (steps.isEmpty()) {
            waiting.remove(heaviest);
            turns.remove(heaviest);
        }
        queued--;
        shares.release(heaviest);
        return pushedOut.step();
    }

    /**
     * For a worker that has decided a step: the next waiting step (of the source whose turn it is, which then goes to
     * the back of the turns), or null with this worker no longer counted (none waits, or the pool is closed).
     */
    T next() {
        synchronized (lock) {
            String source = closed ? null : turns.pollFirst();
            if (source == null) {
                running--;
                return null;
            }
            ArrayDeque<Waiting<T>> steps = waiting.get(source);
            Waiting<T> step = steps.pollFirst();
            if (steps.isEmpty()) {
                waiting.remove(source);
            } else {
                turns.addLast(source);
            }
            queued--;
            return step.step();
        }
    }

    /**
     * A worker counted by {@link #admit} (or still counted after {@link #next} gave it a step) that ends without
     * {@link #next} having returned null: it did not start, or its loop ended on an {@link Error}. The next step
     * admitted gets a worker again.
     */
    void workerEnded() {
        synchronized (lock) {
            running--;
        }
    }

    /** The steps of {@code source} waiting for or held by a worker now. */
    int held(String source) {
        synchronized (lock) {
            return shares.held(source);
        }
    }

    /** The sources with a step waiting for or held by a worker now. */
    int sources() {
        synchronized (lock) {
            return shares.sources();
        }
    }

    /**
     * Admits nothing more and hands no waiting step over: they are dropped, with every count (no worker will run
     * them; their sessions are closing).
     */
    void close() {
        synchronized (lock) {
            closed = true;
            waiting.clear();
            turns.clear();
            queued = 0;
            shares.clear();
        }
    }
}
