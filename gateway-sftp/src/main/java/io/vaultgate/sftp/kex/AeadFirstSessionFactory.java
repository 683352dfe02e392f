package io.vaultgate.sftp.kex;

import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;

/**
 * Creates {@link AeadFirstSession}s: AES-GCM for every client that offers it, CTR + ETM for the others. Open for the
 * listener's connection cap ({@code io.vaultgate.sftp.CappedSessionFactory}), which decides before a session is made.
 */
public class AeadFirstSessionFactory extends SessionFactory {

    public AeadFirstSessionFactory(ServerFactoryManager server) {
        super(server);
    }

    @Override
    protected ServerSessionImpl doCreateSession(IoSession ioSession) throws Exception {
        return new AeadFirstSession(getServer(), ioSession);
    }
}
