package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

    private final ExecutorService readers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        readers.shutdownNow();
    }

    @Test
    void deliversTheWholeBodyInOrder_neverMoreThanItsDepthAhead() throws Exception {
        byte[] bytes = new byte[10 * 1000 + 7];
        new Random(7).nextBytes(bytes);
        AtomicLong furthest = new AtomicLong();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ReadAhead ahead = ReadAhead.start(source(bytes, furthest, -1), 1000, readers)) {
            long consumed = 0;
            for (ByteBuffer chunk = ahead.next(); chunk != null; chunk = ahead.next()) {
                Thread.sleep(2);
                assertThat(furthest.get() - consumed).as("read ahead of the sender")
                        .isLessThanOrEqualTo((ReadAhead.DEPTH + 1) * 1000L);
                out.write(chunk.array(), 0, chunk.limit());
                consumed += chunk.limit();
                ahead.recycle(chunk);
            }
        }
        assertThat(out.toByteArray()).isEqualTo(bytes);
    }

    @Test
    void failureOfTheSource_reachesTheSender() throws Exception {
        try (ReadAhead ahead = ReadAhead.start(source(new byte[5000], new AtomicLong(), 2500), 1000, readers)) {
            assertThatThrownBy(() -> {
                for (ByteBuffer chunk = ahead.next(); chunk != null; chunk = ahead.next()) {
                    ahead.recycle(chunk);
                }
            }).isInstanceOf(IOException.class).hasMessageContaining("disk");
        }
    }

    @Test
    void closingWhileTheReaderWaitsForAFreeChunk_stopsIt() throws Exception {
        ReadAhead ahead = ReadAhead.start(source(new byte[100_000], new AtomicLong(), -1), 1000, readers);
        ahead.next();
        Thread.sleep(100);
        long start = System.nanoTime();
        ahead.close();
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms to stop").isLessThan(5_000);
    }

    /** Bytes read positionally; fails at {@code failAt} (when not -1); records the furthest position read. */
    private static BodySource source(byte[] bytes, AtomicLong furthest, long failAt) {
        return new BodySource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public int read(long position, ByteBuffer dst) throws IOException {
                if (failAt >= 0 && position >= failAt) {
                    throw new IOException("the disk failed");
                }
                int n = (int) Math.min(dst.remaining(), Math.min(300, bytes.length - position));
                if (n <= 0) {
                    return -1;
                }
                dst.put(bytes, (int) position, n);
                furthest.accumulateAndGet(position + n, Math::max);
                return n;
            }
        };
    }
}
