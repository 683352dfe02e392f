package io.vaultgate.sftp.extensions;

import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.SshFutureListener;
import org.apache.sshd.common.io.IoOutputStream;

/**
 * An {@link IoOutputStream} between the SFTP subsystem and its channel that looks at (or reshapes) each reply
 * in {@code writeBuffer} and passes everything else to the stream it wraps.
 */
abstract class ReplyFilter implements IoOutputStream {

    /** The stream replies go on to. */
    protected final IoOutputStream out;

    ReplyFilter(IoOutputStream out) {
        this.out = out;
    }

    @Override
    public CloseFuture close(boolean immediately) {
        return out.close(immediately);
    }

    @Override
    public void addCloseFutureListener(SshFutureListener<CloseFuture> listener) {
        out.addCloseFutureListener(listener);
    }

    @Override
    public void removeCloseFutureListener(SshFutureListener<CloseFuture> listener) {
        out.removeCloseFutureListener(listener);
    }

    @Override
    public boolean isClosed() {
        return out.isClosed();
    }

    @Override
    public boolean isClosing() {
        return out.isClosing();
    }
}
