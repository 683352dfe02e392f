package io.vaultgate.sftp.extensions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.sshd.common.channel.IoWriteFutureImpl;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.SshFutureListener;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.io.WritePendingException;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.Test;

/**
 * Replies larger than one client packet reach the channel stream as views of their own array, one packet at a
 * time, each only after the previous was written (MINA's stream refuses a second write in progress); the reply's
 * future completes with the last piece, or with the first failure, after which nothing more is sent.
 */
class PacketSizedRepliesTest {

    private static final int PACKET = 32 * 1024;

    private final Channel channel = new Channel();
    private final PacketSizedReplies replies = new PacketSizedReplies(channel, () -> PACKET);

    @Test
    void largeReply_goesOutInPacketSizedViewsOfItsArray_inOrder_oneAtATime() throws Exception {
        byte[] data = new byte[2 * PACKET + 100];
        new Random(5).nextBytes(data);
        Buffer reply = new ByteArrayBuffer(data, 0, data.length, true);

        IoWriteFuture future = replies.writeBuffer(reply);
        for (int i = 0; i < 2; i++) {
            assertThat(future.isDone()).as("done before piece %d was written", i + 1).isFalse();
            channel.completePending(null);
        }
        channel.completePending(null);

        assertThat(future.isDone()).isTrue();
        assertThat(future.isWritten()).isTrue();
        assertThat(channel.sizes).containsExactly(PACKET, PACKET, data.length - 2 * PACKET);
        assertThat(channel.arrays).allSatisfy(array -> assertThat(array).isSameAs(data));
        assertThat(channel.sent.toByteArray()).isEqualTo(data);
    }

    @Test
    void replyThatFitsOnePacket_passesAsItIs() throws Exception {
        Buffer reply = new ByteArrayBuffer(new byte[PACKET], 0, PACKET, true);

        IoWriteFuture future = replies.writeBuffer(reply);
        channel.completePending(null);

        assertThat(channel.buffers).containsExactly(reply);
        assertThat(future.isWritten()).isTrue();
    }

    @Test
    void failedPiece_failsTheReply_andNothingMoreIsSent() throws Exception {
        Buffer reply = new ByteArrayBuffer(new byte[3 * PACKET], 0, 3 * PACKET, true);

        IoWriteFuture future = replies.writeBuffer(reply);
        channel.completePending(null);
        EOFException closing = new EOFException("Channel closing");
        channel.completePending(closing);

        assertThat(future.isDone()).isTrue();
        assertThat(future.isWritten()).isFalse();
        assertThat(future.getException()).isSameAs(closing);
        assertThat(channel.sizes).containsExactly(PACKET, PACKET);
        assertThat(channel.pending).isNull();
    }

    @Test
    void pieceCompletedAtOnce_stillSendsTheRest() throws Exception {
        channel.completeAtOnce = true;
        byte[] data = new byte[5 * PACKET + 1];
        new Random(7).nextBytes(data);

        IoWriteFuture future = replies.writeBuffer(new ByteArrayBuffer(data, 0, data.length, true));

        assertThat(future.isWritten()).isTrue();
        assertThat(channel.sizes).hasSize(6);
        assertThat(channel.sent.toByteArray()).isEqualTo(data);
    }

    /** Stands in for MINA's channel stream: one write at a time, completed when the test says so. */
    private static final class Channel implements IoOutputStream {
        final List<Buffer> buffers = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();
        final List<byte[]> arrays = new ArrayList<>();
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        IoWriteFutureImpl pending;
        boolean completeAtOnce;

        @Override
        public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
            if (pending != null) {
                throw new WritePendingException("a write is already pending");
            }
            buffers.add(buffer);
            sizes.add(buffer.available());
            arrays.add(buffer.array());
            sent.write(buffer.array(), buffer.rpos(), buffer.available());
            IoWriteFutureImpl future = new IoWriteFutureImpl(this, buffer);
            if (completeAtOnce) {
                future.setValue(Boolean.TRUE);
            } else {
                pending = future;
            }
            return future;
        }

        void completePending(Throwable failure) {
            IoWriteFutureImpl future = pending;
            assertThat(future).as("a write in progress").isNotNull();
            pending = null;
            future.setValue(failure == null ? Boolean.TRUE : failure);
        }

        @Override
        public CloseFuture close(boolean immediately) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addCloseFutureListener(SshFutureListener<CloseFuture> listener) {
        }

        @Override
        public void removeCloseFutureListener(SshFutureListener<CloseFuture> listener) {
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public boolean isClosing() {
            return false;
        }
    }
}
