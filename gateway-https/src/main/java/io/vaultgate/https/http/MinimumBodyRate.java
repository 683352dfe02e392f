package io.vaultgate.https.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts off request bodies that trickle in ("R-U-Dead-Yet" slow POSTs), which would otherwise hold an open
 * upload for as long as the client likes by sending a byte before each idle timeout. Only the time the
 * server was actually waiting for the client counts (from the API handler asking for a read until data
 * arrives), so a server busy storing never blames the client. After {@code grace} of such waiting, a body
 * must have arrived at {@code minBytesPerSecond} on average or the connection is closed; the exchange is
 * then cancelled like any dropped connection. Made with {@link #answering}, it instead drops the chunk that
 * broke the rate and fires {@link TooSlow} to the handlers behind it, which answer (the site receiver answers
 * {@code 408}) and end the connection; that request's body is no longer timed.
 */
public final class MinimumBodyRate extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MinimumBodyRate.class);

    private final long minBytesPerSecond;
    private final long graceNanos;
    private final LongSupplier clock;
    private final boolean answering;
    private boolean inBody;
    private long bytes;
    private long waitedNanos;
    private long readAskedAt = -1;

    /** The user event {@link #answering} fires for a body that broke the rate. */
    public record TooSlow(long bytes, long waitedSeconds, long minBytesPerSecond) {
    }

    public MinimumBodyRate(long minBytesPerSecond, Duration grace) {
        this(minBytesPerSecond, grace, System::nanoTime, false);
    }

    /** Fires {@link TooSlow} instead of closing, so the handler behind can answer before it ends the connection. */
    public static MinimumBodyRate answering(long minBytesPerSecond, Duration grace) {
        return new MinimumBodyRate(minBytesPerSecond, grace, System::nanoTime, true);
    }

    MinimumBodyRate(long minBytesPerSecond, Duration grace, LongSupplier clock) {
        this(minBytesPerSecond, grace, clock, false);
    }

    MinimumBodyRate(long minBytesPerSecond, Duration grace, LongSupplier clock, boolean answering) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = grace.toNanos();
        this.clock = clock;
        this.answering = answering;
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (readAskedAt < 0) {
            readAskedAt = clock.getAsLong();
        }
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (readAskedAt >= 0) {
            waitedNanos += clock.getAsLong() - readAskedAt;
            readAskedAt = -1;
        }
        if (msg instanceof HttpRequest request) {
            inBody = request.decoderResult().isSuccess() && (HttpUtil.isTransferEncodingChunked(request)
                    || HttpUtil.getContentLength(request, 0L) > 0);
            bytes = 0;
            waitedNanos = 0;
        } else if (msg instanceof HttpContent content && inBody) {
            bytes += content.content().readableBytes();
            inBody = !(msg instanceof LastHttpContent);
            if (inBody && tooSlow()) {
                content.release();
                if (answering) { // the handler that answers logs it
                    inBody = false;
                    ctx.fireUserEventTriggered(new TooSlow(bytes, waitedNanos / 1_000_000_000L, minBytesPerSecond));
                } else {
                    LOG.info("connection from {} closed: request body arrived at {} bytes in {} s of waiting",
                            ClientAddress.of(ctx.channel()), bytes, waitedNanos / 1_000_000_000L);
                    ctx.close();
                }
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private boolean tooSlow() {
        return waitedNanos >= graceNanos && bytes < minBytesPerSecond * (waitedNanos / 1e9);
    }
}
