package io.vaultgate.https;

/**
 * HTTP/2 on the HTTPS listener (ALPN {@code h2}) and the limits of one HTTP/2 connection. With HTTP/2 off, ALPN
 * offers {@code http/1.1} only and every client speaks HTTP/1.1.
 *
 * @param enabled               whether ALPN offers {@code h2} (before {@code http/1.1})
 * @param maxConcurrentStreams  requests one connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS);
 *                              a stream beyond it is refused ({@code RST_STREAM REFUSED_STREAM})
 * @param streamWindowBytes     how much of one request body the client may send ahead of what the gateway has
 *                              stored (SETTINGS_INITIAL_WINDOW_SIZE): the per-stream backpressure
 * @param connectionWindowBytes the same for all streams of a connection together: bounds the body bytes a connection
 *                              holds in memory, whatever the number of streams
 */
public record Http2Limits(boolean enabled, int maxConcurrentStreams, int streamWindowBytes, int connectionWindowBytes) {

    /** The protocol's own initial window (RFC 9113 6.9.2), which the connection window starts from. */
    public static final int PROTOCOL_INITIAL_WINDOW = 65_535;

    /** RST_STREAM frames a client may send per {@link #RST_WINDOW_SECONDS} before its connection is ended (rapid reset). */
    public static final int MAX_RESETS_PER_WINDOW = 200;
    public static final int RST_WINDOW_SECONDS = 30;

    /** HTTP/2 offered: 32 streams per connection, 256 KiB ahead per stream, 2 MiB per connection. */
    public static final Http2Limits ON = new Http2Limits(true, 32, 256 * 1024, 2 * 1024 * 1024);

    /** HTTP/1.1 only (the default: see docs/https.md, "HTTP/2"). */
    public static final Http2Limits OFF = ON.withEnabled(false);

    public Http2Limits {
        require(maxConcurrentStreams >= 1 && maxConcurrentStreams <= 1000,
                "https.http2.max-concurrent-streams: 1-1000, got " + maxConcurrentStreams);
        require(streamWindowBytes >= 16 * 1024 && streamWindowBytes <= 16 * 1024 * 1024,
                "https.http2 stream window: 16 KiB-16 MiB, got " + streamWindowBytes);
        require(connectionWindowBytes >= Math.max(PROTOCOL_INITIAL_WINDOW, streamWindowBytes)
                        && connectionWindowBytes <= 64 * 1024 * 1024,
                "https.http2 connection window: at least the stream window and at most 64 MiB, got " + connectionWindowBytes);
    }

    public Http2Limits withEnabled(boolean on) {
        return new Http2Limits(on, maxConcurrentStreams, streamWindowBytes, connectionWindowBytes);
    }

    public Http2Limits withMaxConcurrentStreams(int streams) {
        return new Http2Limits(enabled, streams, streamWindowBytes, connectionWindowBytes);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
