package io.vaultgate.sftp;

import io.vaultgate.core.defender.ListenerCap;
import io.vaultgate.sftp.kex.AeadFirstSessionFactory;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;

/**
 * Makes a session only while the listener has room ({@code sftp.max-connections}). A connection past the cap is
 * refused before its session exists: no identification line, no key exchange, no session buffers, not even the
 * defender's look-up or the per-source count. MINA closes it (an exception from the session factory is how it is told
 * to) and logs that only at DEBUG; {@link ListenerCap} counts and logs the refusals. A connection that got a place
 * gives it back when it closes, however it ends (a later check refusing it included).
 */
final class CappedSessionFactory extends AeadFirstSessionFactory {

    private final ListenerCap cap;

    CappedSessionFactory(ServerFactoryManager server, ListenerCap cap) {
        super(server);
        this.cap = cap;
    }

    @Override
    protected ServerSessionImpl doCreateSession(IoSession ioSession) throws Exception {
        if (!cap.tryAcquire()) {
            throw new ListenerFull(cap.max());
        }
        ioSession.addCloseFutureListener(closed -> cap.release());
        return super.doCreateSession(ioSession);
    }

    /** Why MINA closed the connection; carries no stack trace (a refusal is routine, not an error). */
    static final class ListenerFull extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ListenerFull(int max) {
            super("the listener holds its limit of " + max + " connections (sftp.max-connections)");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
