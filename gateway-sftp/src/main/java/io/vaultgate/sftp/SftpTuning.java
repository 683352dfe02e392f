package io.vaultgate.sftp;

import io.vaultgate.core.files.PageRequest;

/**
 * Transport buffer sizes and the directory listing page. The buffers trade memory per session for throughput: a client may have up to
 * {@code windowSize} bytes in flight per SFTP channel, which the server holds until it has processed them, so
 * the heap needed is about {@code windowSize} times the concurrent uploads.
 *
 * @param windowSize SSH channel window, in bytes, announced to the client
 * @param maxPacketSize largest SSH channel data packet, in bytes
 * @param readBufferSize socket read buffer of each connection, in bytes
 * @param listingPage directory entries an open directory handle reads from the catalog and holds at a time
 */
public record SftpTuning(long windowSize, long maxPacketSize, int readBufferSize, int listingPage) {

    public SftpTuning {
        between("windowSize", windowSize, 64 * 1024, 256L * 1024 * 1024);
        between("maxPacketSize", maxPacketSize, 32 * 1024, 256 * 1024);
        between("readBufferSize", readBufferSize, 8 * 1024, 4 * 1024 * 1024);
        if (listingPage < 1 || listingPage > PageRequest.MAX_LIMIT) {
            throw new IllegalArgumentException("sftp.tuning.listingPage: " + listingPage + " is out of range; give 1 to "
                    + PageRequest.MAX_LIMIT + " entries");
        }
    }

    /** The given buffer sizes, with listing pages of the largest size. */
    public SftpTuning(long windowSize, long maxPacketSize, int readBufferSize) {
        this(windowSize, maxPacketSize, readBufferSize, PageRequest.MAX_LIMIT);
    }

    /** The same buffers, with listing pages of {@code entries}. */
    public SftpTuning withListingPage(int entries) {
        return new SftpTuning(windowSize, maxPacketSize, readBufferSize, entries);
    }

    /** Measured on loopback with OpenSSH's client; see docs/sftp.md. */
    public static SftpTuning defaults() {
        return new SftpTuning(2L * 1024 * 1024, 32 * 1024, 32 * 1024);
    }

    private static void between(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("sftp.tuning." + key + ": " + value + " is out of range; give "
                    + min + " to " + max + " bytes");
        }
    }
}
