package io.vaultgate.sftp.extensions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * Sits between the SSH channel and MINA's SFTP subsystem and turns each {@code statvfs@openssh.com} request into
 * a {@code space-available} request for the same path, which MINA answers from the path's
 * {@link java.nio.file.FileStore} (the tenant quota); {@link StatVfsReplies} turns that answer back into a statvfs
 * reply (a {@code space-available} request is only noted, for its reply to be completed). Every other byte is passed on unchanged and in order, and nothing is copied except SSH_FXP_EXTENDED
 * requests (small) and packet headers split between two reads.
 *
 * <p>The rewritten request keeps the original length (the path moves up by the 4 bytes the shorter name saves and
 * 4 zero bytes follow it, which MINA ignores), so the subsystem's channel window accounting stays exact.
 */
final class StatVfsRequests implements ChannelDataReceiver {

    static final String STATVFS = "statvfs@openssh.com";

    private static final byte[] STATVFS_NAME = STATVFS.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SPACE_NAME = SftpConstants.EXT_SPACE_AVAILABLE.getBytes(StandardCharsets.US_ASCII);
    private static final int SHRINK = STATVFS_NAME.length - SPACE_NAME.length;
    /** uint32 length and the type byte. */
    private static final int HEADER = 5;
    /** Where the extension name's length sits: length, type, request id. */
    private static final int NAME = 9;
    /** Extended requests up to this size are looked at; a statvfs request is far smaller. */
    private static final long MAX_INSPECTED = 64 * 1024;

    private final ChannelDataReceiver subsystem;
    private final Map<Integer, Asked> asked;

    /** Bytes of the current packet that still pass through untouched. */
    private long skip;
    /** A packet header split between reads, or a whole extended request, held back until complete. */
    private byte[] held;
    private int heldFill;
    private boolean heldIsHeader;

    StatVfsRequests(ChannelDataReceiver subsystem, Map<Integer, Asked> asked) {
        this.subsystem = subsystem;
        this.asked = asked;
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
                    hold(4 + (int) length, false);
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
                held = Arrays.copyOf(packet, 4 + (int) length);
                heldFill = HEADER;
                heldIsHeader = false;
                return 0;
            }
            skip = Math.max(0, length - 1);
        } else {
            noteSpaceRequest(packet);
        }
        return subsystem.data(channel, packet, 0, packet.length);
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
        return (type & 0xFF) == SftpConstants.SSH_FXP_EXTENDED && length > NAME && length <= MAX_INSPECTED;
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
