package io.vaultgate.sftp.extensions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * Sits between the SSH channel and MINA's SFTP subsystem and turns each {@code statvfs@openssh.com} request into
 * a {@code space-available} request for the same path, which MINA answers from the path's
 * {@link java.nio.file.FileStore} (the tenant quota); {@link StatVfsReplies} turns that answer back into a statvfs
 * reply (a {@code space-available} request is only noted, for its reply to be completed). Every other byte is passed on unchanged and in order, and nothing is copied except SSH_FXP_EXTENDED
 * requests (small; of a larger one only its first {@link #PREFIX} bytes) and packet headers split between two reads.
 *
 * <p>The rewritten request keeps the original length (the path moves up by the 4 bytes the shorter name saves and
 * 4 zero bytes follow it, which MINA ignores), so the subsystem's channel window accounting stays exact.
 *
 * <p>It also refuses the extensions MINA answers by itself whether announced or not and the gateway does not
 * offer: {@code copy-data} (its writes would reach an upload handle past {@code fs.AppendOffsets} and the
 * transfer counts), {@code md5-hash} and {@code md5-hash-handle}. Such a request's extension name is overwritten,
 * keeping its length, so that MINA answers it "unsupported" without doing anything, and {@link StatVfsReplies}
 * replaces that answer by a status naming the reason ({@link Asked#refusal}).
 *
 * <p>{@code check-file-handle} and {@code check-file-name} are taken from MINA the same way, which would hash on the
 * session's thread whatever range was asked: the reply to each is {@link CheckFileAnswers}'s. Refused here, before
 * anything is read: more than {@link #MAX_CHECK_FILE_BLOCKS} block hashes (or block hashes without a length), a
 * block size that is not a multiple of {@link #CHECK_FILE_BLOCK_UNIT} (MINA 2.20, which answered these before, read
 * each block in pieces of that size and a shorter last piece still filled a whole one, so the hashes of other sizes
 * covered the wrong bytes; the rule is kept), and a length over {@link CheckFileBounds#requestBytes} unless the
 * request may be for a whole file's SHA-256 (offset 0, any length, which runs to the end of the file or past it),
 * answered from the digest recorded at upload.
 */
final class StatVfsRequests implements ChannelDataReceiver {

    static final String STATVFS = "statvfs@openssh.com";

    private static final byte[] STATVFS_NAME = STATVFS.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SPACE_NAME = SftpConstants.EXT_SPACE_AVAILABLE.getBytes(StandardCharsets.US_ASCII);
    /** The extensions refused whatever their arguments, and what each asked. */
    private static final Map<String, Asked> REFUSED = Map.of(SftpConstants.EXT_COPY_DATA, Asked.COPY_DATA,
            SftpConstants.EXT_MD5_HASH, Asked.MD5_HASH, SftpConstants.EXT_MD5_HASH_HANDLE, Asked.MD5_HASH);
    /** The check-file extensions, answered by {@link CheckFileAnswers} unless refused here. */
    private static final Set<String> CHECK_FILE = Set.of(SftpConstants.EXT_CHECK_FILE_HANDLE,
            SftpConstants.EXT_CHECK_FILE_NAME);
    /** What an extension name is overwritten with (repeated to its length): no extension MINA knows. */
    private static final byte REFUSED_NAME = '-';
    private static final int SHRINK = STATVFS_NAME.length - SPACE_NAME.length;
    /** uint32 length and the type byte. */
    private static final int HEADER = 5;
    /** Where the extension name's length sits: length, type, request id. */
    private static final int NAME = 9;
    /** Extended requests up to this size are held whole; a statvfs or check-file request is far smaller. */
    private static final long MAX_INSPECTED = 64 * 1024;
    /** Of a larger extended request, only this much (its extension name) is held and looked at. */
    static final int PREFIX = NAME + 4 + 64;
    /** The most block hashes a {@code check-file} request may ask for (its reply is built whole). */
    static final int MAX_CHECK_FILE_BLOCKS = 1024;
    /** Block sizes of check-file requests are multiples of this (MINA's read size; see the class comment). */
    static final int CHECK_FILE_BLOCK_UNIT = 8192;

    private final ChannelDataReceiver subsystem;
    private final Map<Integer, Asked> asked;
    private final Map<Integer, CheckFileRequest> checks;
    private final CheckFileBounds bounds;

    /** Bytes of the current packet that still pass through untouched. */
    private long skip;
    /** A packet header split between reads, or an extended request (or its first bytes), held back until complete. */
    private byte[] held;
    private int heldFill;
    private boolean heldIsHeader;
    /** Bytes of the held extended request that follow the held prefix, passed on untouched after it. */
    private long rest;

    /**
     * @param asked  where the ids of requests whose replies are converted or replaced are noted with what they asked
     * @param checks where the ids of the check-file requests that {@link CheckFileAnswers} answers are noted
     * @param bounds   the check-file bounds: a request naming a longer range is refused here
     */
    StatVfsRequests(ChannelDataReceiver subsystem, Map<Integer, Asked> asked, Map<Integer, CheckFileRequest> checks,
            CheckFileBounds bounds) {
        this.subsystem = subsystem;
        this.asked = asked;
        this.checks = checks;
        this.bounds = bounds;
    }

    @Override
    public int data(ChannelSession channel, byte[] buf, int start, int len) throws IOException {
        int end = start + len;
        int pos = start;
        int from = start;
        int consumed = 0;
        while (pos < end) {
            if (skip > 0) {
                int n = (int) Math.min(skip, end - pos);
                pos += n;
                skip -= n;
                continue;
            }
            if (held == null) {
                if (end - pos >= HEADER) {
                    long length = uint32(buf, pos);
                    if (!inspected(buf[pos + 4], length)) {
                        skip = 4 + length;
                        continue;
                    }
                    consumed += pass(channel, buf, from, pos);
                    hold(heldSize(length), false);
                    rest = 4 + length - held.length;
                } else {
                    consumed += pass(channel, buf, from, pos);
                    hold(HEADER, true);
                }
            }
            int n = Math.min(held.length - heldFill, end - pos);
            System.arraycopy(buf, pos, held, heldFill, n);
            heldFill += n;
            pos += n;
            from = pos;
            if (heldFill == held.length) {
                consumed += release(channel);
            }
        }
        return consumed + pass(channel, buf, from, pos);
    }

    @Override
    public void close() throws IOException {
        subsystem.close();
    }

    private int pass(ChannelSession channel, byte[] buf, int from, int to) throws IOException {
        return to > from ? subsystem.data(channel, buf, from, to - from) : 0;
    }

    private void hold(int size, boolean header) {
        held = new byte[size];
        heldFill = 0;
        heldIsHeader = header;
    }

    /** Passes on what was held, once complete; a completed header of an extended request goes on holding. */
    private int release(ChannelSession channel) throws IOException {
        byte[] packet = held;
        held = null;
        if (heldIsHeader) {
            long length = uint32(packet, 0);
            if (inspected(packet[4], length)) {
                held = Arrays.copyOf(packet, heldSize(length));
                heldFill = HEADER;
                heldIsHeader = false;
                rest = 4 + length - held.length;
                return 0;
            }
            skip = Math.max(0, length - 1);
        } else {
            boolean whole = rest == 0;
            if (!refuse(packet, whole) && whole) {
                noteSpaceRequest(packet);
            }
            skip = rest;
            rest = 0;
        }
        return subsystem.data(channel, packet, 0, packet.length);
    }

    /** How much of an extended request of this length is held: all of a small one, the name of a larger one. */
    private static int heldSize(long length) {
        return length <= MAX_INSPECTED ? 4 + (int) length : PREFIX;
    }

    /**
     * Refuses the request if it asks for a refused extension (see the class comment), or takes a check-file request
     * out of MINA's hands: its name is overwritten and its id noted with what it asked. {@code whole} says whether
     * {@code packet} is the whole request or only its first bytes (a check-file request that large is refused).
     */
    private boolean refuse(byte[] packet, boolean whole) {
        if (packet.length < NAME + 4) {
            return false;
        }
        long nameLength = uint32(packet, NAME);
        if (nameLength > packet.length - NAME - 4) {
            return false;
        }
        String name = new String(packet, NAME + 4, (int) nameLength, StandardCharsets.ISO_8859_1);
        int id = (int) uint32(packet, HEADER);
        Asked refusal = REFUSED.get(name);
        CheckFileRequest check = null;
        if (refusal == null && CHECK_FILE.contains(name)) {
            Optional<CheckFileRequest> request = whole
                    ? CheckFileRequest.parse(packet, NAME + 4 + name.length(),
                            name.equals(SftpConstants.EXT_CHECK_FILE_HANDLE))
                    : Optional.empty();
            if (whole && request.isEmpty()) {
                return false; // too short to hold its fields: MINA refuses it
            }
            if (request.isEmpty() || request.get().tooManyBlocks()) {
                refusal = Asked.CHECK_FILE_BLOCKS;
            } else if (request.get().tooLong(bounds.requestBytes()) && !request.get().mayBeWholeFileSha256()) {
                refusal = Asked.CHECK_FILE_RANGE;
            } else {
                check = request.get();
            }
        }
        if (refusal == null && check == null) {
            return false;
        }
        Arrays.fill(packet, NAME + 4, NAME + 4 + name.length(), REFUSED_NAME);
        if (refusal != null) {
            asked.put(id, refusal);
        } else {
            checks.put(id, check);
        }
        return true;
    }

    /** Rewrites a statvfs request, and notes its id (or a space-available request's) for the reply. */
    private void noteSpaceRequest(byte[] packet) {
        int id = (int) uint32(packet, HEADER);
        if (isNamed(packet, SPACE_NAME)) {
            asked.put(id, Asked.SPACE_AVAILABLE);
            return;
        }
        if (!isNamed(packet, STATVFS_NAME)) {
            return;
        }
        int tail = NAME + 4 + STATVFS_NAME.length;
        putUint32(packet, NAME, SPACE_NAME.length);
        System.arraycopy(SPACE_NAME, 0, packet, NAME + 4, SPACE_NAME.length);
        System.arraycopy(packet, tail, packet, tail - SHRINK, packet.length - tail);
        Arrays.fill(packet, packet.length - SHRINK, packet.length, (byte) 0);
        asked.put(id, Asked.STATVFS);
    }

    /** Whether the extended request names {@code name} and has room for a path after it. */
    private static boolean isNamed(byte[] packet, byte[] name) {
        return packet.length >= NAME + 4 + name.length + 4 && uint32(packet, NAME) == name.length
                && Arrays.equals(packet, NAME + 4, NAME + 4 + name.length, name, 0, name.length);
    }

    private static boolean inspected(byte type, long length) {
        return (type & 0xFF) == SftpConstants.SSH_FXP_EXTENDED && length > NAME;
    }

    static long uint32(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16) | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }

    private static void putUint32(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }
}
