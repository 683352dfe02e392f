package io.vaultgate.sftp.extensions;

import io.vaultgate.core.path.PathPolicy;
import java.io.IOException;
import java.util.Set;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.SshFutureListener;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * The SFTP subsystem's output, where the {@code space-available} answer to a request that {@link StatVfsRequests}
 * rewrote becomes the {@code statvfs@openssh.com} reply the client asked for (OpenSSH's PROTOCOL file, section
 * 4.4: eleven uint64). An error status for such a request passes as it is; every other reply passes untouched.
 *
 * <p>Sizes are counted in bytes ({@code f_frsize} 1): {@code f_blocks} is the quota, {@code f_bfree} and
 * {@code f_bavail} what is left of it. File counts are not carried by {@code space-available}, so the inode
 * fields say "unlimited" ({@link Long#MAX_VALUE}, never 0: OpenSSH's {@code df -i} divides by {@code f_files}).
 */
final class StatVfsReplies implements IoOutputStream {

    /** OpenSSH's {@code SSH2_FXE_STATVFS_ST_NOSUID}: nothing on the gateway is ever executed. */
    static final long ST_NOSUID = 0x2;
    /** {@code f_bsize}: the preferred transfer size, one encryption segment. */
    static final long PREFERRED_BLOCK = 64 * 1024;

    private final IoOutputStream out;
    private final Set<Integer> rewritten;

    StatVfsReplies(IoOutputStream out, Set<Integer> rewritten) {
        this.out = out;
        this.rewritten = rewritten;
    }

    @Override
    public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
        if (rewritten.isEmpty() || buffer.available() < 9) {
            return out.writeBuffer(buffer);
        }
        byte[] bytes = buffer.array();
        int at = buffer.rpos();
        int type = bytes[at + 4] & 0xFF;
        int id = (int) StatVfsRequests.uint32(bytes, at + 5);
        if ((type == SftpConstants.SSH_FXP_EXTENDED_REPLY || type == SftpConstants.SSH_FXP_STATUS)
                && rewritten.remove(id) && type == SftpConstants.SSH_FXP_EXTENDED_REPLY) {
            return out.writeBuffer(statVfs(buffer, id));
        }
        return out.writeBuffer(buffer);
    }

    /** Reads the space-available reply (uint64 size, uint64 free, ...) and writes the statvfs reply. */
    private static Buffer statVfs(Buffer spaceAvailable, int id) {
        spaceAvailable.rpos(spaceAvailable.rpos() + 9);
        long total = Math.max(1, spaceAvailable.getLong());
        long free = Math.min(total, spaceAvailable.getLong());
        Buffer reply = new ByteArrayBuffer(4 + 1 + 4 + 11 * Long.BYTES, false);
        reply.putUInt(1 + 4 + 11 * Long.BYTES);
        reply.putByte((byte) SftpConstants.SSH_FXP_EXTENDED_REPLY);
        reply.putUInt(id & 0xFFFFFFFFL);
        long[] fields = {
            PREFERRED_BLOCK, 1, total, free, free,          // f_bsize, f_frsize, f_blocks, f_bfree, f_bavail
            Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, // f_files, f_ffree, f_favail
            0, ST_NOSUID, PathPolicy.MAX_SEGMENT_LENGTH,    // f_fsid, f_flag, f_namemax
        };
        for (long field : fields) {
            reply.putLong(field);
        }
        return reply;
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
