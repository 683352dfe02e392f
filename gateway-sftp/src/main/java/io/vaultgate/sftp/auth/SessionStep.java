package io.vaultgate.sftp.auth;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.session.ServerSession;

/**
 * A step of a session's login, which may write the session's attributes while no later step has begun. A worker of
 * {@link AuthSteps} may write them only through {@link #ifCurrent}: MINA drops a pending answer when another message
 * arrives, so the step may no longer be the session's current one when its check ends. Each session keeps a step
 * counter under a lock, advanced by every authentication request ({@link #begin}).
 */
final class SessionStep {

    private static final AttributeKey<Counter> STEPS = new AttributeKey<>();

    private final Counter steps;
    private final long number;

    private SessionStep(Counter steps, long number) {
        this.steps = steps;
        this.number = number;
    }

    /**
     * Begins a new step of {@code session}: from now on, only it may write the session's attributes. {@code clear}
     * runs under the session's step lock (a worker of an earlier step cannot write after it).
     */
    static SessionStep begin(ServerSession session, Runnable clear) {
        Counter steps = session.computeAttributeIfAbsent(STEPS, key -> new Counter());
        return steps.begin(clear);
    }

    /** Runs {@code write} if this is still the session's current step; under the session's step lock. */
    boolean ifCurrent(Runnable write) {
        return steps.ifCurrent(number, write);
    }

    /** One session's steps: a counter under a lock. */
    private static final class Counter {
        private long current;

        synchronized SessionStep begin(Runnable clear) {
            current++;
            clear.run();
            return new SessionStep(this, current);
        }

        synchronized boolean ifCurrent(long step, Runnable write) {
            if (step != current) {
                return false;
            }
            write.run();
            return true;
        }
    }
}
