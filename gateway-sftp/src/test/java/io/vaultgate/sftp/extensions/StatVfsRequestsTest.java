package io.vaultgate.sftp.extensions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.sftp.common.SftpConstants;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The request side of the statvfs bridge on a byte stream cut at random places (packet headers and extended
 * requests split between reads): statvfs requests come out as space-available requests of the same length with
 * their ids noted; every other byte comes out unchanged and in order.
 */
class StatVfsRequestsTest {

    private final Random random = new Random();

    @RepeatedTest(50)
    void streamCutAnywhere_rewritesOnlyStatVfs_keepingLengthsAndOrder() throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        java.util.Map<Integer, Asked> expectedAsked = new java.util.HashMap<>();
        for (int i = 0; i < 40; i++) {
            int id = 1000 + i;
            switch (random.nextInt(5)) {
                case 0 -> {
                    in.write(extended(id, "statvfs@openssh.com", "/inbox/ü" + i, 0));
                    expected.write(extended(id, "space-available", "/inbox/ü" + i, 4));
                    expectedAsked.put(id, Asked.STATVFS);
                }
                case 3 -> {
                    byte[] space = extended(id, "space-available", "/outbox", 0);
                    in.write(space);
                    expected.write(space);
                    expectedAsked.put(id, Asked.SPACE_AVAILABLE);
                }
                case 1 -> {
                    byte[] other = extended(id, "posix-rename@openssh.com", "/inbox/a" + i, 0);
                    in.write(other);
                    expected.write(other);
                }
                default -> {
                    byte[] write = write(id, random.nextInt(40_000));
                    in.write(write);
                    expected.write(write);
                }
            }
        }
        Recorder subsystem = new Recorder();
        java.util.Map<Integer, Asked> asked = new ConcurrentHashMap<>();
        StatVfsRequests requests = new StatVfsRequests(subsystem, asked);

        byte[] stream = in.toByteArray();
        for (int at = 0; at < stream.length; ) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(random.nextBoolean() ? 7 : 70_000));
            requests.data(null, stream, at, n);
            at += n;
        }

        assertThat(subsystem.received.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(asked).isEqualTo(expectedAsked);
    }

    @Test
    void statVfsReply_isBuiltFromTheSpaceAvailableAnswer_otherRepliesPass() throws Exception {
        java.util.Map<Integer, Asked> asked = new ConcurrentHashMap<>();
        asked.put(7, Asked.STATVFS);
        asked.put(9, Asked.SPACE_AVAILABLE);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        StatVfsReplies replies = new StatVfsReplies(new CapturingOutput(sent), asked);

        Buffer status = new ByteArrayBuffer();
        status.putUInt(9);
        status.putByte((byte) SftpConstants.SSH_FXP_STATUS);
        status.putUInt(8);
        status.putUInt(0);
        replies.writeBuffer(status);
        assertThat(sent.size()).as("another request's reply passes").isEqualTo(13);

        sent.reset();
        replies.writeBuffer(minasSpaceAvailable(7));

        Buffer reply = new ByteArrayBuffer(sent.toByteArray());
        assertThat(reply.getUInt()).isEqualTo(1 + 4 + 11 * 8);
        assertThat(reply.getUByte()).isEqualTo(SftpConstants.SSH_FXP_EXTENDED_REPLY);
        assertThat(reply.getUInt()).isEqualTo(7);
        var info = org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatExtensionInfo.decode(reply);
        assertThat(info.f_frsize).isEqualTo(1);
        assertThat(info.f_blocks).isEqualTo(10_000);
        assertThat(info.f_bfree).isEqualTo(2_500);
        assertThat(info.f_bavail).isEqualTo(2_500);

        sent.reset();
        replies.writeBuffer(minasSpaceAvailable(9));
        Buffer completed = new ByteArrayBuffer(sent.toByteArray());
        completed.getUInt();
        completed.getUByte();
        assertThat(completed.getUInt()).isEqualTo(9);
        var space = org.apache.sshd.sftp.common.extensions.SpaceAvailableExtensionInfo.decode(completed);
        assertThat(space.bytesOnDevice).isEqualTo(10_000);
        assertThat(space.unusedBytesOnDevice).isEqualTo(2_500);
        assertThat(space.bytesAvailableToUser).as("the quota is the user's").isEqualTo(10_000);
        assertThat(space.unusedBytesAvailableToUser).isEqualTo(2_500);
        assertThat(asked).isEmpty();
    }

    /** What MINA answers space-available with: the device fields from the FileStore, the user fields 0. */
    private static Buffer minasSpaceAvailable(int id) {
        Buffer space = new ByteArrayBuffer();
        space.putUInt(1 + 4 + 4 * 8 + 4);
        space.putByte((byte) SftpConstants.SSH_FXP_EXTENDED_REPLY);
        space.putUInt(id);
        space.putLong(10_000);
        space.putLong(2_500);
        space.putLong(0);
        space.putLong(0);
        space.putUInt(0);
        return space;
    }

    private static byte[] extended(int id, String name, String path, int padding) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        Buffer b = new ByteArrayBuffer();
        b.putUInt(1 + 4 + 4 + n.length + 4 + p.length + padding);
        b.putByte((byte) SftpConstants.SSH_FXP_EXTENDED);
        b.putUInt(id);
        b.putBytes(n);
        b.putBytes(p);
        b.putRawBytes(new byte[padding]);
        return b.getCompactData();
    }

    private byte[] write(int id, int size) {
        byte[] data = new byte[size];
        random.nextBytes(data);
        Buffer b = new ByteArrayBuffer();
        b.putUInt(1 + 4 + 4 + 3 + 8 + 4 + size);
        b.putByte((byte) SftpConstants.SSH_FXP_WRITE);
        b.putUInt(id);
        b.putBytes(new byte[] {1, 2, 3});
        b.putLong(0);
        b.putBytes(data);
        return b.getCompactData();
    }

    private static final class Recorder implements ChannelDataReceiver {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();

        @Override
        public int data(ChannelSession channel, byte[] buf, int start, int len) {
            received.write(buf, start, len);
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private static final class CapturingOutput implements org.apache.sshd.common.io.IoOutputStream {
        private final ByteArrayOutputStream sent;

        CapturingOutput(ByteArrayOutputStream sent) {
            this.sent = sent;
        }

        @Override
        public org.apache.sshd.common.io.IoWriteFuture writeBuffer(Buffer buffer) {
            sent.write(buffer.array(), buffer.rpos(), buffer.available());
            return null;
        }

        @Override
        public org.apache.sshd.common.future.CloseFuture close(boolean immediately) {
            return null;
        }

        @Override
        public void addCloseFutureListener(
                org.apache.sshd.common.future.SshFutureListener<org.apache.sshd.common.future.CloseFuture> l) {
        }

        @Override
        public void removeCloseFutureListener(
                org.apache.sshd.common.future.SshFutureListener<org.apache.sshd.common.future.CloseFuture> l) {
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
