package io.vaultgate.sftp.fs;

import java.io.IOException;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a WRITE on an APPEND handle ({@code reput}) whose offset is not where the resumed upload ends. MINA writes
 * such data at the end whatever offset the client sent, so a client that resumes from another size than the
 * server's (it asked {@code stat} at a moment the size was different, or computed it itself) would have its bytes
 * stitched at the wrong place and the file published corrupt. Refused, the upload publishes nothing at its CLOSE
 * and stays a resumable partial of the size it had ({@link UploadChannel#refuseAppend}).
 */
public final class AppendOffsets implements SftpEventListener {

    private static final Logger TRANSFERS = LoggerFactory.getLogger("vaultgate.sftp.transfers");

    @Override
    public void writing(ServerSession session, String remoteHandle, FileHandle localHandle, long offset, byte[] data,
            int dataOffset, int dataLen) throws IOException {
        if (localHandle.isOpenAppend() && localHandle.getFileChannel() instanceof UploadChannel upload) {
            long end = upload.size();
            if (offset != end) {
                upload.refuseAppend();
                TRANSFERS.info("sftp append refused: path={} offset={} resumes-at={}", localHandle.getFile(), offset,
                        end);
                throw new SftpException(SftpConstants.SSH_FX_INVALID_PARAMETER, localHandle.getFile()
                        + ": the interrupted upload continues at byte " + end + ", not " + offset
                        + "; nothing was written, and the upload stays resumable from " + end);
            }
        }
    }
}
