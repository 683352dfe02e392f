package io.vaultgate.sftp.extensions;

import java.io.IOException;
import java.util.function.LongSupplier;
import org.apache.sshd.common.channel.IoWriteFutureImpl;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The SFTP subsystem's output, handed to MINA's channel stream one client packet at a time. MINA's
 * {@code ChannelAsyncOutputStream} copies a reply whole before sending it when it cannot send it in one SSH packet
 * (a 63 KiB READ reply against OpenSSH's 32 KiB packets: every download byte copied once more, and the garbage of
 * the copy); a reply that fits one packet (and the window) it sends from the buffer it was given. So a larger reply
 * is passed on as views of its own array, each at most one packet, the next once the previous is written, and the
 * reply's future completes when the last one is written (or with the first failure). Nothing is copied; replies
 * keep their order, since MINA writes one reply at a time.
 */
final class PacketSizedReplies extends ReplyFilter {

    private final LongSupplier clientPacketSize;

    PacketSizedReplies(IoOutputStream out, LongSupplier clientPacketSize) {
        super(out);
        this.clientPacketSize = clientPacketSize;
    }

    @Override
    public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
        long packet = clientPacketSize.getAsLong();
        if (buffer.available() <= packet || packet <= 0) {
            return out.writeBuffer(buffer);
        }
        IoWriteFutureImpl whole = new IoWriteFutureImpl(this, buffer);
        writeNext(buffer, (int) Math.min(Integer.MAX_VALUE, packet), whole);
        return whole;
    }

    private void writeNext(Buffer reply, int packet, IoWriteFutureImpl whole) throws IOException {
        int n = Math.min(packet, reply.available());
        Buffer piece = new ByteArrayBuffer(reply.array(), reply.rpos(), n, true);
        reply.rpos(reply.rpos() + n);
        out.writeBuffer(piece).addListener(written -> {
            if (!written.isWritten()) {
                whole.setValue(written.getException());
            } else if (reply.available() == 0) {
                whole.setValue(Boolean.TRUE);
            } else {
                try {
                    writeNext(reply, packet, whole);
                } catch (IOException | RuntimeException e) {
                    whole.setValue(e);
                }
            }
        });
    }
}
