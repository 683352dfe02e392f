package io.vaultgate.https.h2;

import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * How much of a stream's queued frames one read of a stream channel passes on. Netty's default handle stops after
 * one frame when auto-read is off, which makes a body of 16 KiB DATA frames one hand-off to the blocking executor
 * per frame (a third of HTTP/1.1's upload rate). This one passes on what is queued up to {@code maxBytes}; the
 * stream's flow-control window still opens only for what was passed on, so memory per stream stays bounded by
 * its window.
 */
final class StreamReads extends DefaultMaxMessagesRecvByteBufAllocator {

    private final int maxBytes;

    StreamReads(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Handle newHandle() {
        return new MaxMessageHandle() {
            /** Every frame counts (a frame without data as 9 bytes), so a read always ends. */
            @Override
            public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
                return totalBytesRead() < maxBytes;
            }

            @Override
            public int guess() {
                return 1024; // stream channels allocate nothing: their frames come decoded from the connection
            }
        };
    }
}
