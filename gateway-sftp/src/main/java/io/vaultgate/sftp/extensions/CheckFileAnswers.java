package io.vaultgate.sftp.extensions;

import io.vaultgate.core.files.StoredDigest;
import io.vaultgate.sftp.fs.GatewayFileSystemAccessor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.digest.Digest;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.InvalidHandleException;
import org.apache.sshd.sftp.server.SftpErrorStatusDataHandler;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * Answers the {@code check-file-handle} and {@code check-file-name} requests that {@link StatVfsRequests} took from
 * MINA, in MINA's reply format (string "check-file", string the algorithm, then each hash as a string), and bounds
 * what they cost, since each is answered where MINA writes its reply: on the session's thread, or, while an earlier
 * reply is still being sent, on the MINA I/O thread that finishes sending it (review24b M1), which every session of
 * the node shares; so a range is bounded to what takes milliseconds ({@link CheckFileBounds}):
 * <ul>
 *   <li>The SHA-256 of a whole file (offset 0, a length of 0 or reaching the file's end or past it, 2^64 - 1 as
 *       clients send for "everything" included, block size 0) is the digest recorded and verified when it was
 *       uploaded: nothing is decrypted, however large the file. By name it is audited as an HTTPS {@code HEAD} is, a
 *       {@code file.downloaded} of 0 bytes (the core's {@code FileService#storedDigest}), only once the request is
 *       known to ask for the whole file (a length short of the file's size, read first from the file's entry, which
 *       audits nothing, is a range: review25a L4); at most {@link CheckFileBounds#WHOLE_FILES_BY_NAME} such answers
 *       per SSH connection, then further ones are refused, so that every answer is on record and a loop of them
 *       cannot write records without end (review25a L5). By handle the handle's own open and close are audited; its
 *       answers are not counted.</li>
 *   <li>Any other request decrypts, and so authenticates, the range it names, at most
 *       {@link CheckFileBounds#requestBytes} (longer ones are refused before anything is read), and at most
 *       {@link CheckFileBounds#connectionBytes} in all the requests of one SSH connection; then the connection's
 *       further range requests are refused. Whole-file SHA-256 answers stay free.</li>
 * </ul>
 * A handle must be one that reads a committed file ({@code SSH_FX_PERMISSION_DENIED} for one that writes an
 * upload, as MINA refuses a handle opened without read access); its hash is of the file it reads, even if another
 * upload has since replaced the name. A name is resolved and checked as a read of it would be. Failures are answered
 * as MINA answers them, through the subsystem's status mapper.
 */
final class CheckFileAnswers {

    /** What one read takes: one encryption segment. */
    private static final int READ = 64 * 1024;
    /** The bytes hashed so far by the check-file requests of one SSH connection (all its channels). */
    private static final AttributeKey<AtomicLong> HASHED = new AttributeKey<>();
    /** The whole-file answers by name (each audited) given so far on one SSH connection (all its channels). */
    private static final AttributeKey<AtomicInteger> WHOLE_FILES = new AttributeKey<>();

    private final SftpSubsystemProxy sftp;
    private final OpenHandles handles;
    private final CheckFileBounds bounds;

    CheckFileAnswers(SftpSubsystemProxy sftp, OpenHandles handles, CheckFileBounds bounds) {
        this.sftp = sftp;
        this.handles = handles;
        this.bounds = bounds;
    }

    /** The bounds of what range requests may hash. */
    CheckFileBounds bounds() {
        return bounds;
    }

    /** The reply to request {@code id}: its hashes, or the status that refuses it. Never throws. */
    Buffer answer(int id, CheckFileRequest request) {
        try {
            return hashes(id, request);
        } catch (Exception e) {
            SftpErrorStatusDataHandler mapper = sftp.getErrorStatusDataHandler();
            int status = mapper.resolveSubStatus(sftp, id, e, SftpConstants.SSH_FXP_EXTENDED);
            return StatVfsReplies.status(id, status, mapper.resolveErrorMessage(sftp, id, e, status,
                    SftpConstants.SSH_FXP_EXTENDED));
        }
    }

    private Buffer hashes(int id, CheckFileRequest request) throws IOException {
        BuiltinDigests digest = request.digest().orElseThrow(() -> new SftpException(
                SftpConstants.SSH_FX_OP_UNSUPPORTED, "check-file: none of the hash algorithms asked for is supported;"
                        + " use sha256 (or md5, sha1, sha224, sha384, sha512)"));
        if (request.blockSize() > Integer.MAX_VALUE) {
            throw new SftpException(SftpConstants.SSH_FX_INVALID_PARAMETER,
                    "check-file: the block size must be below 2^31");
        }
        if (request.byHandle()) {
            SeekableByteChannel channel = readChannel(request.target());
            StoredDigest stored = GatewayFileSystemAccessor.storedDigest(channel);
            if (isWholeFile(request, stored.size())) {
                return reply(id, digest, List.of(HexFormat.of().parseHex(stored.sha256())));
            }
            return reply(id, digest, hashRange(channel, digest, request));
        }
        SftpFileSystemAccessor accessor = sftp.getFileSystemAccessor();
        Path file = accessor.resolveLocalFilePath(sftp, sftp.getDefaultDirectory(), request.target());
        if (request.mayBeWholeFileSha256()
                && (request.toTheEndOfAnyFile() || request.toTheEnd(Files.size(file)))) {
            StoredDigest stored = auditedDigest(file);
            if (isWholeFile(request, stored.size())) {
                return reply(id, digest, List.of(HexFormat.of().parseHex(stored.sha256())));
            } // another upload replaced the file since its size was read, with a larger one: a range after all
        }
        SeekableByteChannel channel = accessor.openFile(sftp, null, file, null, Set.of());
        try {
            return reply(id, digest, hashRange(channel, digest, request));
        } finally {
            accessor.closeFile(sftp, null, file, null, channel, Set.of());
        }
    }

    /**
     * The digest recorded for {@code file}, audited as a whole-file answer ({@code file.downloaded}, 0 bytes), if
     * the connection has given fewer than {@link CheckFileBounds#WHOLE_FILES_BY_NAME} of them; one that fails
     * (nothing answered, nothing audited) does not count.
     */
    private StoredDigest auditedDigest(Path file) throws IOException {
        AtomicInteger answered = sftp.getServerSession().computeAttributeIfAbsent(WHOLE_FILES,
                key -> new AtomicInteger());
        if (answered.incrementAndGet() > CheckFileBounds.WHOLE_FILES_BY_NAME) {
            answered.decrementAndGet();
            throw new SftpException(SftpConstants.SSH_FX_OP_UNSUPPORTED, CheckFileBounds.wholeFileRefusal());
        }
        try {
            return GatewayFileSystemAccessor.storedDigest(file);
        } catch (IOException | RuntimeException e) {
            answered.decrementAndGet();
            throw e;
        }
    }

    /** The channel of the open handle {@code id}, which must read a committed file. */
    private SeekableByteChannel readChannel(String id) throws IOException {
        Handle handle = handles.get(id);
        if (!(handle instanceof FileHandle file)) {
            throw new InvalidHandleException(id, handle, FileHandle.class);
        }
        if ((file.getAccessMask() & SftpConstants.ACE4_READ_DATA) == 0) {
            throw new SftpException(SftpConstants.SSH_FX_PERMISSION_DENIED,
                    "check-file-handle: the handle was not opened for reading");
        }
        return GatewayFileSystemAccessor.readChannel(handle).orElseThrow(() -> new SftpException(
                SftpConstants.SSH_FX_PERMISSION_DENIED, "check-file-handle: the handle writes an upload; hash the "
                        + "file once the upload is closed"));
    }

    /** Whether the request asks for the SHA-256 of the whole of a file of {@code size} bytes. */
    private static boolean isWholeFile(CheckFileRequest request, long size) {
        return request.mayBeWholeFileSha256() && request.toTheEnd(size);
    }

    /**
     * The hashes of the range the request names (to the end of the file for a length of 0 or reaching past it, as a
     * uint64), one per block, or one of it all for block size 0; refused before anything is read if the range is
     * longer than {@link CheckFileBounds#requestBytes} or than what is left of the connection's
     * {@link CheckFileBounds#connectionBytes}.
     */
    private List<byte[]> hashRange(SeekableByteChannel channel, BuiltinDigests algorithm, CheckFileRequest request)
            throws IOException {
        long size = channel.size();
        long start = request.start();
        if (start < 0 || start >= size) { // a uint64 offset of 2^63 or more is past any file's end
            throw new SftpException(SftpConstants.SSH_FX_INVALID_PARAMETER,
                    "check-file: the range starts at or past the end of the file (" + size + " bytes)");
        }
        long length = request.toTheEnd(size) ? size - start : request.length();
        if (length > bounds.requestBytes()) {
            throw new SftpException(SftpConstants.SSH_FX_OP_UNSUPPORTED, bounds.rangeRefusal());
        }
        AtomicLong hashed = sftp.getServerSession().computeAttributeIfAbsent(HASHED, key -> new AtomicLong());
        if (hashed.addAndGet(length) > bounds.connectionBytes()) {
            hashed.addAndGet(-length);
            throw new SftpException(SftpConstants.SSH_FX_OP_UNSUPPORTED, bounds.connectionRefusal(hashed.get()));
        }
        long block = request.blockSize() == 0 ? length : request.blockSize();
        List<byte[]> hashes = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(READ, length));
        Digest digest = algorithm.create();
        try {
            digest.init();
        } catch (Exception e) {
            throw new IOException("check-file: " + algorithm.getName() + " cannot be used", e);
        }
        long position = start;
        long end = start + length;
        long blockEnd = Math.min(end, start + block);
        while (position < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), blockEnd - position));
            channel.position(position);
            int read = channel.read(buffer);
            if (read <= 0) {
                throw new IOException("check-file: the file ended at " + position + " of its " + size + " bytes");
            }
            update(digest, buffer.array(), read);
            position += read;
            if (position == blockEnd) {
                hashes.add(finish(digest));
                blockEnd = Math.min(end, position + block);
            }
        }
        return hashes;
    }

    private static void update(Digest digest, byte[] bytes, int length) throws IOException {
        try {
            digest.update(bytes, 0, length);
        } catch (Exception e) {
            throw new IOException("check-file: hashing failed", e);
        }
    }

    /** The hash so far; the digest starts over for the next block. */
    private static byte[] finish(Digest digest) throws IOException {
        try {
            return digest.digest();
        } catch (Exception e) {
            throw new IOException("check-file: hashing failed", e);
        }
    }

    private static Buffer reply(int id, BuiltinDigests digest, List<byte[]> hashes) {
        Buffer body = new ByteArrayBuffer();
        body.putByte((byte) SftpConstants.SSH_FXP_EXTENDED_REPLY);
        body.putUInt(id & 0xFFFFFFFFL);
        body.putString(SftpConstants.EXT_CHECK_FILE);
        body.putString(digest.getName());
        for (byte[] hash : hashes) {
            body.putBytes(hash);
        }
        Buffer reply = new ByteArrayBuffer(4 + body.available(), false);
        reply.putUInt(body.available());
        reply.putRawBytes(body.array(), body.rpos(), body.available());
        return reply;
    }
}
