package io.vaultgate.sftp;

/**
 * Transport buffer sizes. They trade memory per session for throughput: a client may have up to
 * {@code windowSize} bytes in flight per SFTP channel, which the server holds until it has processed them, so
 * the heap needed is about {@code windowSize} times the concurrent uploads.
 *
 * @param windowSize SSH channel window, in bytes, announced to the client
 * @param maxPacketSize largest SSH channel data packet, in bytes
 * @param readBufferSize socket read buffer of each connection, in bytes
 */
public record SftpTuning(long windowSize, long maxPacketSize, int readBufferSize) {

    public SftpTuning {
        between("windowSize", windowSize, 64 * 1024, 256L * 1024 * 1024);
        between("maxPacketSize", maxPacketSize, 32 * 1024, 256 * 1024);
        between("readBufferSize", readBufferSize, 8 * 1024, 4 * 1024 * 1024);
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
