package io.vaultgate.core.forward;

import io.vaultgate.core.files.FileContent;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Positional content as a request body: a decrypting {@link FileContent}, or a stored envelope sent as it
 * is. One fresh buffer of up to one segment (64 KiB) per item, read only when the HTTP client asks for it,
 * so memory stays at the client's small window of buffers whatever the file size. Each subscription reads
 * the content from its start.
 */
final class ContentPublisher implements Flow.Publisher<ByteBuffer> {

    static final int CHUNK = 64 * 1024;

    /** Bytes readable at a position, of a known size. */
    interface Source {
        long size();

        /** Reads from {@code position} into {@code dst}; -1 at the end. */
        int read(long position, ByteBuffer dst) throws IOException;
    }

    private final Source content;

    ContentPublisher(Source content) {
        this.content = content;
    }

    ContentPublisher(FileContent content) {
        this(new Source() {
            @Override
            public long size() {
                return content.size();
            }

            @Override
            public int read(long position, ByteBuffer dst) throws IOException {
                return content.read(position, dst);
            }
        });
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Reading(subscriber));
    }

    /** Serves demand in the requesting thread; re-entrant requests from {@code onNext} only add demand. */
    private final class Reading implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger pending = new AtomicInteger();
        private volatile boolean cancelled;
        private boolean finished;
        private long position;

        Reading(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancelled = true;
                subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive"));
                return;
            }
            demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        private void drain() {
            if (pending.getAndIncrement() != 0) {
                return;
            }
            do {
                while (!cancelled && !finished && demand.get() > 0) {
                    emitOne();
                }
            } while (pending.decrementAndGet() != 0);
        }

        private void emitOne() {
            long size = content.size();
            if (position >= size) {
                finished = true;
                subscriber.onComplete();
                return;
            }
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, size - position));
            try {
                while (chunk.hasRemaining()) {
                    int read = content.read(position + chunk.position(), chunk);
                    if (read < 0) {
                        throw new EOFException("the file ended at " + (position + chunk.position()) + " of " + size);
                    }
                }
            } catch (IOException e) {
                finished = true;
                subscriber.onError(e);
                return;
            }
            position += chunk.capacity();
            demand.decrementAndGet();
            subscriber.onNext(chunk.flip());
            if (position >= size) {
                finished = true;
                subscriber.onComplete();
            }
        }
    }
}
