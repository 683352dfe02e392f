package io.vaultgate.sftp.fs;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;

/**
 * Tells a handle closed by the client's own CLOSE request apart from one closed because the session ended.
 * MINA closes both through the accessor's {@code closeFile}, but only the first is announced by
 * {@link #closing}; an upload is committed only then, and otherwise kept as a resumable partial.
 */
public final class ClientCloseListener implements SftpEventListener {

    private static final AttributeKey<Boolean> CLIENT_CLOSE = new AttributeKey<>();

    static boolean closedByClient(Handle handle) {
        return handle != null && Boolean.TRUE.equals(handle.getAttribute(CLIENT_CLOSE));
    }

    @Override
    public void closing(ServerSession session, String remoteHandle, Handle localHandle) {
        localHandle.setAttribute(CLIENT_CLOSE, Boolean.TRUE);
    }
}
