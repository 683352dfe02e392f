package io.vaultgate.sftp.fs;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.sshd.common.util.threads.SshThreadPoolExecutor;
import org.apache.sshd.common.util.threads.SshdThreadFactory;

/**
 * The thread of one SFTP session, which MINA stops without interrupting it.
 *
 * <p>When a session dies, MINA cancels the request loop's future with interruption, calls
 * {@code shutdownNow()}, and then queues a close marker for the loop. An interrupt would hit a write or the
 * suspension of an open upload while it touches the encrypted object on disk, and NIO closes a channel that is
 * interrupted: the partial upload that {@code reput} needs would be lost. Here neither interrupts: the loop
 * finishes the request at hand, sees the close marker and closes the open handles, keeping partials.
 *
 * <p>Each task submitted as a {@link Runnable} runs through {@code decorator} (the session's logging MDC).
 */
public final class NonInterruptingExecutor extends SshThreadPoolExecutor {

    private final UnaryOperator<Runnable> decorator;
    private final Consumer<NonInterruptingExecutor> onTerminated;

    /** {@code onTerminated} runs once the executor has shut down and its last task has finished. */
    public NonInterruptingExecutor(String name, UnaryOperator<Runnable> decorator,
            Consumer<NonInterruptingExecutor> onTerminated) {
        super(1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), new SshdThreadFactory(name),
                new CallerRunsPolicy());
        this.decorator = decorator;
        this.onTerminated = onTerminated;
    }

    @Override
    protected void terminated() {
        super.terminated();
        onTerminated.accept(this);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new FutureTask<>(decorator.apply(runnable), value) {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                return super.cancel(false);
            }
        };
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new FutureTask<>(callable) {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                return super.cancel(false);
            }
        };
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }
}
