package io.vaultgate.sftp.auth;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.sshd.server.auth.AsyncAuthException;

/**
 * MINA's pending answer of an MFA step ({@link AuthSteps#decide}), which can tell whether MINA took the answer: the
 * action given to {@link #whenTaken} runs right after MINA's own listener, the first one added ({@code
 * ServerUserAuthService} adds it as it catches the exception), has had the answer, which it sends, or drops when
 * another message of the session arrived meanwhile or the session is closing. On the thread that completed the answer
 * (a worker or the timer).
 */
final class PendingAnswer extends AsyncAuthException {
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
