package io.vaultgate.sftp.extensions;

import io.vaultgate.core.path.PathPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * The SFTP subsystem's output, where the {@code space-available} answer to a request that {@link StatVfsRequests}
 * rewrote becomes the {@code statvfs@openssh.com} reply the client asked for (OpenSSH's PROTOCOL file, section
 * 4.4: eleven uint64), and MINA's answer to a genuine {@code space-available} gets its user fields (0 from MINA)
 * filled with the device ones, the tenant quota being the user's limit, and 1 byte per allocation unit. An error
 * status for such a request passes as it is. MINA's "unsupported" answer to a request {@link StatVfsRequests}
 * refused becomes an {@code SSH_FX_OP_UNSUPPORTED} status saying why ({@link Asked#refusal}), and its answer to a
 * check-file request it took from MINA becomes {@link CheckFileAnswers}'s; every other reply passes untouched.
 *
 * <p>Sizes are counted in bytes ({@code f_frsize} 1): {@code f_blocks} is the quota, {@code f_bfree} and
 * {@code f_bavail} what is left of it. File counts are not carried by {@code space-available}, so the inode
 * fields say "unlimited" ({@link Long#MAX_VALUE}, never 0: OpenSSH's {@code df -i} divides by {@code f_files}).
 */
final class StatVfsReplies extends ReplyFilter {

    /** OpenSSH's {@code SSH2_FXE_STATVFS_ST_NOSUID}: nothing on the gateway is ever executed. */
    static final long ST_NOSUID = 0x2;
    /** {@code f_bsize}: the preferred transfer size, one encryption segment. */
    static final long PREFERRED_BLOCK = 64 * 1024;

    private final Map<Integer, Asked> asked;
    private final Map<Integer, CheckFileRequest> checks;
    private final CheckFileAnswers checkFiles;

    StatVfsReplies(IoOutputStream out, Map<Integer, Asked> asked, Map<Integer, CheckFileRequest> checks,
            CheckFileAnswers checkFiles) {
        super(out);
        this.asked = asked;
        this.checks = checks;
        this.checkFiles = checkFiles;
    }

    @Override
    public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
        if ((asked.isEmpty() && checks.isEmpty()) || buffer.available() < 9) {
            return out.writeBuffer(buffer);
        }
        byte[] bytes = buffer.array();
        int at = buffer.rpos();
        int type = bytes[at + 4] & 0xFF;
        if (type != SftpConstants.SSH_FXP_EXTENDED_REPLY && type != SftpConstants.SSH_FXP_STATUS) {
            return out.writeBuffer(buffer);
        }
        int id = (int) StatVfsRequests.uint32(bytes, at + 5);
        CheckFileRequest check = checks.remove(id);
        if (check != null) {
            return out.writeBuffer(checkFiles.answer(id, check));
        }
        Asked question = asked.remove(id);
        if (question != null && question.refused()) {
            return out.writeBuffer(refusal(StatVfsRequests.uint32(bytes, at + 5),
                    question.refusal(checkFiles.bounds())));
        }
        if (question == null || type == SftpConstants.SSH_FXP_STATUS) {
            return out.writeBuffer(buffer);
        }
        return out.writeBuffer(question == Asked.STATVFS ? statVfs(buffer) : spaceAvailable(buffer));
    }

    /**
     * Reads MINA's space-available reply (uint64 bytes on device, uint64 unused bytes on device, the two user
     * fields and uint32 bytes per allocation unit, all but the first two 0) and writes the statvfs reply.
     */
    private static Buffer statVfs(Buffer spaceAvailable) {
        long id = header(spaceAvailable);
        long total = Math.max(1, spaceAvailable.getLong());
        long free = Math.min(total, spaceAvailable.getLong());
        Buffer reply = new ByteArrayBuffer(4 + 1 + 4 + 11 * Long.BYTES, false);
        reply.putUInt(1 + 4 + 11 * Long.BYTES);
        reply.putByte((byte) SftpConstants.SSH_FXP_EXTENDED_REPLY);
        reply.putUInt(id);
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

    /** MINA's space-available reply with the user fields (the tenant quota is the user's) set to the device's. */
    private static Buffer spaceAvailable(Buffer minas) {
        long id = header(minas);
        long total = minas.getLong();
        long free = minas.getLong();
        Buffer reply = new ByteArrayBuffer(4 + 1 + 4 + 4 * Long.BYTES + 4, false);
        reply.putUInt(1 + 4 + 4 * Long.BYTES + 4);
        reply.putByte((byte) SftpConstants.SSH_FXP_EXTENDED_REPLY);
        reply.putUInt(id);
        reply.putLong(total);
        reply.putLong(free);
        reply.putLong(total);
        reply.putLong(free);
        reply.putUInt(1);
        return reply;
    }

    /** An {@code SSH_FX_OP_UNSUPPORTED} status for request {@code id}, with {@code message} (and no language tag). */
    private static Buffer refusal(long id, String message) {
        return status(id, SftpConstants.SSH_FX_OP_UNSUPPORTED, message);
    }

    /** A status reply for request {@code id}: {@code code} with {@code message} (and no language tag). */
    static Buffer status(long id, int code, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        Buffer reply = new ByteArrayBuffer(4 + 1 + 4 + 4 + 4 + text.length + 4, false);
        reply.putUInt(1 + 4 + 4 + 4 + text.length + 4);
        reply.putByte((byte) SftpConstants.SSH_FXP_STATUS);
        reply.putUInt(id & 0xFFFFFFFFL);
        reply.putUInt(code);
        reply.putBytes(text);
        reply.putString("");
        return reply;
    }

    /** Skips length and type and returns the request id. */
    private static long header(Buffer reply) {
        reply.rpos(reply.rpos() + 5);
        return reply.getUInt();
    }
}
