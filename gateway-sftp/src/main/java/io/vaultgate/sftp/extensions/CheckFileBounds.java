package io.vaultgate.sftp.extensions;

/**
 * How much plaintext the {@code check-file} requests that hash a range may make the server decrypt
 * ({@link CheckFileAnswers}): a whole file's SHA-256, answered from the digest recorded at upload, is not bounded. A
 * range is hashed where MINA writes its reply, which may be a MINA I/O thread that every session of the node shares
 * (review24b M1), so a request must take milliseconds: 1 MiB is about 30 ms at load 21, the largest allowed, 16 MiB,
 * about half a second.
 *
 * @param requestBytes    the most one request's range may cover ({@code sftp.check-file-max-request}): from
 *                        {@link #MIN_REQUEST_BYTES} to {@link #MAX_REQUEST_BYTES}
 * @param connectionBytes the most the ranges of one SSH connection's requests may cover in all
 *                        ({@code sftp.check-file-max-per-connection}): from {@code requestBytes} to
 *                        {@link #MAX_CONNECTION_BYTES}. A tiny request makes the server decrypt and hash its whole
 *                        range, unlike a download, whose bytes the client must take; this bounds that amplification.
 */
public record CheckFileBounds(long requestBytes, long connectionBytes) {

    /** The default per request: 1 MiB. */
    public static final long DEFAULT_REQUEST_BYTES = 1L << 20;
    /** The default per connection: 8 MiB, eight requests at the default bound. */
    public static final long DEFAULT_CONNECTION_BYTES = 8L << 20;
    /** The least a request's bound may be: one encryption segment, 64 KiB. */
    public static final long MIN_REQUEST_BYTES = 64L << 10;
    /** The most a request's bound may be: 16 MiB, about half a second of an I/O thread at load 21. */
    public static final long MAX_REQUEST_BYTES = 16L << 20;
    /** The most a connection's bound may be: 1 GiB. */
    public static final long MAX_CONNECTION_BYTES = 1L << 30;

    /**
     * The most whole-file SHA-256 answers by name one SSH connection is given (each writes an audit record, a
     * {@code file.downloaded} of 0 bytes): 1024, a directory of that many files verified in one connection; further
     * ones are refused, so that a loop of requests of a few bytes cannot write audit records without end
     * (review25a L5). Answers by handle are audited by the handle's open and close, and not counted.
     */
    public static final int WHOLE_FILES_BY_NAME = 1024;

    public CheckFileBounds {
        if (requestBytes < MIN_REQUEST_BYTES || requestBytes > MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException("sftp.check-file-max-request: " + size(requestBytes) + " is not "
                    + "allowed; give " + size(MIN_REQUEST_BYTES) + " to " + size(MAX_REQUEST_BYTES));
        }
        if (connectionBytes < requestBytes || connectionBytes > MAX_CONNECTION_BYTES) {
            throw new IllegalArgumentException("sftp.check-file-max-per-connection: " + size(connectionBytes)
                    + " is not allowed; give at least sftp.check-file-max-request (" + size(requestBytes)
                    + ") and at most " + size(MAX_CONNECTION_BYTES));
        }
    }

    /** 1 MiB per request, 8 MiB per connection. */
    public static CheckFileBounds defaults() {
        return new CheckFileBounds(DEFAULT_REQUEST_BYTES, DEFAULT_CONNECTION_BYTES);
    }

    /** The message of a refusal of a range over {@link #requestBytes} (whenever it is known). */
    String rangeRefusal() {
        return "check-file: at most " + requestBytes + " bytes (" + size(requestBytes) + ") are hashed per request; "
                + "ask for a shorter range, or for the whole file's sha256 (offset 0, length 0), which is answered "
                + "from the digest recorded at upload (by name, up to " + WHOLE_FILES_BY_NAME + " per connection)";
    }

    /** The message of a refusal of a range once the connection's ranges have covered {@code hashed} bytes. */
    String connectionRefusal(long hashed) {
        return "check-file: at most " + connectionBytes + " bytes (" + size(connectionBytes) + ") of ranges are "
                + "hashed per connection, and this one has hashed " + hashed + "; the whole file's sha256 (offset 0, "
                + "length 0) is still answered, from the digest recorded at upload (by name, up to "
                + WHOLE_FILES_BY_NAME + " per connection)";
    }

    /** The message of a refusal of a whole-file answer by name past the connection's {@link #WHOLE_FILES_BY_NAME}. */
    static String wholeFileRefusal() {
        return "check-file: at most " + WHOLE_FILES_BY_NAME + " whole-file digests are answered by name per connection "
                + "(each is audited), and this one has had them; ask on a new connection";
    }

    /** {@code bytes} in the largest binary unit that divides it: "8 MiB", "96 KiB", "1000 bytes". */
    static String size(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes > 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
