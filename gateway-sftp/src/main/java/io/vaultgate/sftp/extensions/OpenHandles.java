package io.vaultgate.sftp.extensions;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;

/**
 * The handles one SFTP subsystem (one channel) has open, by the id its client knows them by, so that a
 * {@code check-file-handle} request, which {@link CheckFileAnswers} answers outside MINA's subsystem, finds the handle
 * MINA would: listed once open, unlisted once closed. Added to that subsystem alone, never to the factory.
 */
final class OpenHandles implements SftpEventListener {

    private final Map<String, Handle> open = new ConcurrentHashMap<>();

    @Override
    public void open(ServerSession session, String remoteHandle, Handle localHandle) {
        open.put(remoteHandle, localHandle);
    }

    @Override
    public void closed(ServerSession session, String remoteHandle, Handle localHandle, Throwable thrown) {
        open.remove(remoteHandle, localHandle);
    }

    /** The open handle the client calls {@code id}, or null. */
    Handle get(String id) {
        return open.get(id);
    }
}
