package io.vaultgate.server.ops;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cuts off a client that has not sent a whole request head within the request timeout (slowloris), per server
 * rather than per JVM as the JDK's {@code sun.net.httpserver.maxReqTime} is. The JDK server reads a request's
 * line and headers on the pool thread that then runs the filters and the handler, with blocking channel reads;
 * so each task the server hands to {@link #executor} is given a deadline, {@link #filter} (first on every
 * context) marks the moment its request reached the gateway's code, and a task still reading at its deadline
 * is interrupted, which closes its channel (an interruptible channel's contract) and with it the connection.
 * A task that has reached a handler is never interrupted, nor is the thread after its task ended.
 */
final class RequestDeadlines {

    private enum State { READING, HANDLING, DONE }

    /** One task on one pool thread; its state changes only under its own lock. */
    private static final class Attempt {

        private final Thread thread = Thread.currentThread();
        private State state = State.READING;

        /** False if the deadline came first: the thread was interrupted and its channel is closing. */
        synchronized boolean arrived() {
            if (state == State.READING) {
                state = State.HANDLING;
                return true;
            }
            return state != State.DONE;
        }

        synchronized void expire() {
            if (state == State.READING) {
                state = State.DONE;
                thread.interrupt();
            }
        }

        synchronized void finish() {
            state = State.DONE;
        }
    }

    private final ThreadLocal<Attempt> current = new ThreadLocal<>();
    private final Duration timeout;
    private final ScheduledExecutorService timer;

    /** @param timer runs the deadlines; owned by the caller */
    RequestDeadlines(Duration timeout, ScheduledExecutorService timer) {
        this.timeout = timeout;
        this.timer = timer;
    }

    /** Runs the server's tasks on {@code pool}, each under the deadline. */
    Executor executor(Executor pool) {
        return task -> pool.execute(() -> run(task));
    }

    /** Marks the request as read; put it first on every context. */
    Filter filter() {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                Attempt attempt = current.get();
                if (attempt != null && !attempt.arrived()) {
                    // the deadline passed just as the head was read: its interrupt must not hit the handler, and
                    // the server closes the connection of a filter that fails
                    Thread.interrupted();
                    throw new IOException("the request head took longer than " + timeout);
                }
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "request head deadline " + timeout;
            }
        };
    }

    private void run(Runnable task) {
        Attempt attempt = new Attempt();
        current.set(attempt);
        ScheduledFuture<?> deadline = timer.schedule(attempt::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            task.run();
        } finally {
            deadline.cancel(false);
            attempt.finish();
            current.remove();
            Thread.interrupted(); // an expiry that raced the end of the task must not reach the next one
        }
    }
}
