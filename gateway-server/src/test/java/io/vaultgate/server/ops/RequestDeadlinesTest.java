package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Filter;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-server request deadline without a server: a task blocked reading (as the JDK server reads a request
 * head) is cut off, a task whose request reached the filter is left alone however long its handler takes.
 */
class RequestDeadlinesTest {

    private static final Duration TIMEOUT = Duration.ofMillis(200);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final RequestDeadlines deadlines = new RequestDeadlines(TIMEOUT, timer);

    @AfterEach
    void stop() {
        pool.shutdownNow();
        timer.shutdownNow();
    }

    @Test
    void aTaskStillReadingItsRequestAtTheDeadline_hasItsChannelClosed() throws Exception {
        Pipe pipe = Pipe.open();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();

        deadlines.executor(pool).execute(() -> {
            try {
                pipe.source().read(ByteBuffer.allocate(1)); // a client that never sends the rest
                outcome.complete(null);
            } catch (Exception e) {
                outcome.complete(e);
            }
        });

        assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(ClosedByInterruptException.class);
        assertThat(pipe.source().isOpen()).isFalse();
        pipe.sink().close();
    }

    @Test
    void aTaskWhoseRequestReachedTheFilter_isNotInterrupted_howeverLongItsHandlerTakes() throws Exception {
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Filter.Chain handler = new Filter.Chain(List.of(), exchange -> {
            try {
                Thread.sleep(TIMEOUT.multipliedBy(3).toMillis()); // a slow scrape, past the deadline
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        });

        deadlines.executor(pool).execute(() -> {
            try {
                deadlines.filter().doFilter(null, handler);
            } catch (java.io.IOException e) {
                interrupted.completeExceptionally(e);
            }
        });

        assertThat(interrupted.get(5, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aRequestReachingTheFilterJustAfterItsDeadline_isRefused_andTheInterruptDoesNotReachTheHandler()
            throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Filter.Chain handler = new Filter.Chain(List.of(), exchange -> outcome.complete("handler ran"));

        deadlines.executor(pool).execute(() -> {
            long end = System.nanoTime() + TIMEOUT.multipliedBy(2).toNanos();
            while (System.nanoTime() < end) {
                Thread.onSpinWait(); // the head is read without blocking, past the deadline
            }
            try {
                deadlines.filter().doFilter(null, handler);
                outcome.complete("no refusal");
            } catch (java.io.IOException e) {
                outcome.complete("refused; interrupted=" + Thread.currentThread().isInterrupted());
            }
        });

        assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo("refused; interrupted=false");
    }
}
