package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.testing.CatalogIndependent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@CatalogIndependent
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

    @Test
    void chunksGoBackToThePoolWhenClosed_andTheNextBodyReusesThem_readingOnlyItsOwnBytes() throws Exception {
        ChunkPool pool = new ChunkPool(1000, 16);
        byte[] first = new byte[10_000];
        java.util.Arrays.fill(first, (byte) 'a');
        try (ReadAhead ahead = ReadAhead.start(source(first, new AtomicLong(), -1), pool, readers)) {
            for (ByteBuffer chunk = ahead.next(); chunk != null; chunk = ahead.next()) {
                ahead.recycle(chunk);
            }
        }
        assertThat(pool.idle()).as("the first body's chunks, kept").isEqualTo(ReadAhead.DEPTH + 1);

        byte[] second = new byte[2_500];
        new Random(3).nextBytes(second);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ReadAhead ahead = ReadAhead.start(source(second, new AtomicLong(), -1), pool, readers)) {
            assertThat(pool.idle()).as("three chunks reused").isEqualTo(ReadAhead.DEPTH + 1 - 3);
            for (ByteBuffer chunk = ahead.next(); chunk != null; chunk = ahead.next()) {
                out.write(chunk.array(), 0, chunk.limit());
                ahead.recycle(chunk);
            }
        }
        assertThat(out.toByteArray()).as("nothing of the first body").isEqualTo(second);
        assertThat(pool.idle()).isEqualTo(ReadAhead.DEPTH + 1);
    }

    @Test
    void aBodyClosedUnread_givesItsChunksBackToo_andThePoolKeepsNoMoreThanItsLimit() {
        ChunkPool pool = new ChunkPool(1000, 2);
        ReadAhead.start(source(new byte[50_000], new AtomicLong(), -1), pool, readers).close();
        assertThat(pool.idle()).isEqualTo(2);
        assertThat(pool.take(1000).capacity()).isEqualTo(1000);
        assertThat(pool.take(10).capacity()).as("a short body's buffer is its own").isEqualTo(10);
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
