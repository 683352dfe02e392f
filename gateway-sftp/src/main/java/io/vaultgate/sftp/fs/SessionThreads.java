package io.vaultgate.sftp.fs;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The threads of the server's SFTP sessions, so that a shutdown can wait for them. MINA ends a session's request
 * loop asynchronously: the loop finishes the request at hand, then closes the session's open handles, which keeps
 * each unfinished upload as a resumable partial in the catalog. A shutdown that closed the core before that would
 * lose those partials.
 */
public final class SessionThreads {

    private final Set<NonInterruptingExecutor> running = ConcurrentHashMap.newKeySet();

    /** A new session's executor, tracked until it has terminated. */
    public NonInterruptingExecutor newExecutor(String name, UnaryOperator<Runnable> decorator) {
        NonInterruptingExecutor executor = new NonInterruptingExecutor(name, decorator, running::remove);
        running.add(executor);
        return executor;
    }

    /** Sessions whose thread has not finished yet. */
    public int running() {
        return running.size();
    }

    /**
     * Waits until every session's thread has finished (its handles closed), at most {@code timeout} in all.
     *
     * @return whether all have finished
     */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (NonInterruptingExecutor executor : List.copyOf(running)) {
            if (!executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }
}
