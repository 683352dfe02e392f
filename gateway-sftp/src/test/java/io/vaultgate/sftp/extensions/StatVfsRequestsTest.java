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
 * their ids noted; refused extensions (copy-data, md5-hash, check-file asking for too many block hashes or too long a
 * range) and the check-file requests answered outside MINA come out with their names overwritten, same length, ids
 * noted with what they asked; every other byte comes out unchanged and in order.
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
        StatVfsRequests requests = new StatVfsRequests(subsystem, asked, new ConcurrentHashMap<>(),
                CheckFileBounds.defaults());

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
        StatVfsReplies replies = new StatVfsReplies(new CapturingOutput(sent), asked, new ConcurrentHashMap<>(),
                new CheckFileAnswers(null, new OpenHandles(), CheckFileBounds.defaults()));

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

    @RepeatedTest(20)
    void refusedExtensions_keepTheirLengthWithTheNameOverwritten_andTheirIdsAreNoted() throws Exception {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        java.util.Map<Integer, Asked> expectedAsked = new java.util.HashMap<>();
        java.util.Map<Integer, CheckFileRequest> expectedChecks = new java.util.HashMap<>();
        byte[] handles = handles();
        long overRange = CheckFileBounds.DEFAULT_REQUEST_BYTES + 1;
        // name, payload, refusal, or for a check-file request answered by CheckFileAnswers: the request noted
        Object[][] requests = {
            {"copy-data", handles, Asked.COPY_DATA},
            {"md5-hash", path("/inbox/a.bin"), Asked.MD5_HASH},
            {"md5-hash-handle", handles, Asked.MD5_HASH},
            {"check-file-handle", checkFile(0, 128 * 8192, 8192), checkRequest(true, 0, 128 * 8192, 8192)},
            {"check-file-handle", checkFile(7, 64 * 16384, 16384), checkRequest(true, 7, 64 * 16384, 16384)},
            {"check-file-handle", checkFile(7, 1024 * 16384, 16384), Asked.CHECK_FILE_RANGE}, // 16 MiB
            {"check-file-name", checkFile(5, 1024 * 8192 + 1, 8192), Asked.CHECK_FILE_BLOCKS},
            {"check-file-handle", checkFile(0, 0, 8192), Asked.CHECK_FILE_BLOCKS},
            {"check-file-handle", checkFile(0, 1000, 256), Asked.CHECK_FILE_BLOCKS},
            {"check-file-name", checkFile(0, 0, 0), checkRequest(false, 0, 0, 0)},
            {"check-file-handle", checkFile(0, -1L, 0), checkRequest(true, 0, -1L, 0)},
            {"check-file-name", checkFile(0, overRange, 0), checkRequest(false, 0, overRange, 0)},
            {"check-file-name", checkFile(1, overRange, 0), Asked.CHECK_FILE_RANGE},
            {"check-file-handle", checkFile("md5,sha256", 0, overRange, 0), Asked.CHECK_FILE_RANGE},
            // a length of 2^63 or more is "to the end" (2^64 - 1, as clients send it), bounded from the file's size
            {"check-file-name", checkFile(1, -1L, 0), checkRequest(false, 1, -1L, 0)},
            {"check-file-handle", checkFile("md5,sha256", 0, Long.MIN_VALUE, 0), new CheckFileRequest(true,
                    "/inbox/some/file.bin", java.util.List.of("md5", "sha256"), 0, Long.MIN_VALUE, 0)},
            {"check-file-handle", checkFile(0, -1L, 8192), Asked.CHECK_FILE_BLOCKS},
            {"check-file-handle", checkFile("md5,sha256", 0, 0, 0), new CheckFileRequest(true,
                    "/inbox/some/file.bin", java.util.List.of("md5", "sha256"), 0, 0, 0)},
            {"copy-data", new byte[100_000], Asked.COPY_DATA},
            {"check-file-handle", new byte[70_000], Asked.CHECK_FILE_BLOCKS},
            {"copy-file", path("/inbox/a.bin"), null},
        };
        for (int i = 0; i < 30; i++) {
            int id = 2000 + i;
            Object[] request = requests[random.nextInt(requests.length)];
            String name = (String) request[0];
            byte[] payload = (byte[]) request[1];
            in.write(extended(id, name, payload));
            expected.write(extended(id, request[2] == null ? name : "-".repeat(name.length()), payload));
            if (request[2] instanceof Asked refusal) {
                expectedAsked.put(id, refusal);
            } else if (request[2] instanceof CheckFileRequest check) {
                expectedChecks.put(id, check);
            }
            byte[] write = write(id + 100, random.nextInt(40_000));
            in.write(write);
            expected.write(write);
        }
        Recorder subsystem = new Recorder();
        java.util.Map<Integer, Asked> asked = new ConcurrentHashMap<>();
        java.util.Map<Integer, CheckFileRequest> checks = new ConcurrentHashMap<>();
        StatVfsRequests filter = new StatVfsRequests(subsystem, asked, checks, CheckFileBounds.defaults());

        byte[] stream = in.toByteArray();
        for (int at = 0; at < stream.length; ) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(random.nextBoolean() ? 7 : 70_000));
            filter.data(null, stream, at, n);
            at += n;
        }

        assertThat(subsystem.received.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(asked).isEqualTo(expectedAsked);
        assertThat(checks).isEqualTo(expectedChecks);
    }

    @Test
    void refusedRequest_isAnsweredWithAnUnsupportedStatusSayingWhy() throws Exception {
        java.util.Map<Integer, Asked> asked = new ConcurrentHashMap<>();
        asked.put(5, Asked.COPY_DATA);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        StatVfsReplies replies = new StatVfsReplies(new CapturingOutput(sent), asked, new ConcurrentHashMap<>(),
                new CheckFileAnswers(null, new OpenHandles(), CheckFileBounds.defaults()));

        Buffer minas = new ByteArrayBuffer();
        byte[] text = "Command SSH_FXP_EXTENDED(---------) is unsupported or not implemented"
                .getBytes(StandardCharsets.UTF_8);
        minas.putUInt(1 + 4 + 4 + 4 + text.length + 4);
        minas.putByte((byte) SftpConstants.SSH_FXP_STATUS);
        minas.putUInt(5);
        minas.putUInt(SftpConstants.SSH_FX_OP_UNSUPPORTED);
        minas.putBytes(text);
        minas.putString("");
        replies.writeBuffer(minas);

        Buffer reply = new ByteArrayBuffer(sent.toByteArray());
        assertThat(reply.getUInt()).isEqualTo(sent.size() - 4);
        assertThat(reply.getUByte()).isEqualTo(SftpConstants.SSH_FXP_STATUS);
        assertThat(reply.getUInt()).isEqualTo(5);
        assertThat(reply.getInt()).isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED);
        assertThat(reply.getString()).isEqualTo(Asked.COPY_DATA.refusal(CheckFileBounds.defaults())).startsWith("copy-data is not supported");
        assertThat(reply.getString()).isEmpty();
        assertThat(reply.available()).isZero();
        assertThat(asked).isEmpty();
    }

    private byte[] handles() {
        Buffer b = new ByteArrayBuffer();
        b.putBytes(new byte[] {1, 2, 3, 4});
        b.putLong(0);
        b.putLong(8);
        b.putBytes(new byte[] {5, 6, 7, 8});
        b.putLong(0);
        return b.getCompactData();
    }

    private static byte[] path(String path) {
        Buffer b = new ByteArrayBuffer();
        b.putString(path);
        b.putLong(0);
        b.putLong(0);
        b.putBytes(new byte[0]);
        return b.getCompactData();
    }

    /** A check-file request after its name: handle (or path), algorithms, start, length, block size. */
    private static byte[] checkFile(long start, long length, int blockSize) {
        return checkFile("sha256,sha1", start, length, blockSize);
    }

    private static byte[] checkFile(String algorithms, long start, long length, int blockSize) {
        Buffer b = new ByteArrayBuffer();
        b.putString("/inbox/some/file.bin");
        b.putString(algorithms);
        b.putLong(start);
        b.putLong(length);
        b.putUInt(blockSize);
        return b.getCompactData();
    }

    /** What {@link #checkFile(long, long, int)} is parsed into. */
    private static CheckFileRequest checkRequest(boolean byHandle, long start, long length, int blockSize) {
        return new CheckFileRequest(byHandle, "/inbox/some/file.bin", java.util.List.of("sha256", "sha1"), start,
                length, blockSize);
    }

    private static byte[] extended(int id, String name, byte[] payload) {
        Buffer b = new ByteArrayBuffer();
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        b.putUInt(1 + 4 + 4 + n.length + payload.length);
        b.putByte((byte) SftpConstants.SSH_FXP_EXTENDED);
        b.putUInt(id);
        b.putBytes(n);
        b.putRawBytes(payload);
        return b.getCompactData();
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
