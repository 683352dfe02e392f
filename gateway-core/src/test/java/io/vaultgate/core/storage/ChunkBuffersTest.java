package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link ChunkBuffers} after the JVM's direct memory ran out (review24a L2): an allocation that fails is not tried again
 * for {@link ChunkBuffers#ALLOCATION_BACKOFF}, so that a starved JVM does not run a full GC (which the JDK's
 * {@code allocateDirect} does before it gives up) for every transfer; meanwhile idle buffers are still handed out, and
 * otherwise none, as when all are out. Before, every {@code take} without an idle buffer tried again.
 */
class ChunkBuffersTest {

    private static final int BLOCK = 4096;
    private static final int SIZE = 2 * BLOCK;

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicBoolean exhausted = new AtomicBoolean();
    private final ChunkBuffers buffers = new ChunkBuffers(BLOCK, SIZE, 8, 8, capacity -> {
        attempts.incrementAndGet();
        if (exhausted.get()) {
            throw new OutOfMemoryError("Cannot reserve " + capacity + " bytes of direct buffer memory (test)");
        }
        return ByteBuffer.allocateDirect(capacity);
    }, nanos::get);

    @Test
    void afterAFailedAllocation_noneIsTriedForTheBackOff_thenOneIs() {
        exhausted.set(true);
        assertThat(buffers.take()).as("direct memory spent").isNull();
        assertThat(attempts).hasValue(1);

        for (int i = 0; i < 100; i++) {
            assertThat(buffers.take()).isNull();
        }
        nanos.addAndGet(ChunkBuffers.ALLOCATION_BACKOFF.minusMillis(1).toNanos());
        assertThat(buffers.take()).isNull();
        assertThat(attempts).as("allocations tried within the back-off").hasValue(1);
        assertThat(buffers.inUse()).isZero();

        exhausted.set(false);
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        ByteBuffer buffer = buffers.take();
        assertThat(buffer).as("tried again once the back-off is over").isNotNull();
        assertThat(buffer.capacity()).isEqualTo(SIZE);
        assertThat(attempts).hasValue(2);
        assertThat(buffers.inUse()).isOne();
    }

    @Test
    void withinTheBackOff_idleBuffersAreStillHandedOut() {
        ByteBuffer first = buffers.take();
        assertThat(first).isNotNull();
        exhausted.set(true);
        assertThat(buffers.take()).isNull();
        assertThat(attempts).hasValue(2);

        buffers.giveBack(first);

        assertThat(buffers.take()).as("the idle one").isSameAs(first);
        assertThat(buffers.take()).isNull();
        assertThat(attempts).hasValue(2);
        assertThat(buffers.inUse()).isOne();
    }

    @Test
    void aFailureAfterTheBackOff_startsItAgain() {
        exhausted.set(true);
        assertThat(buffers.take()).isNull();
        nanos.addAndGet(ChunkBuffers.ALLOCATION_BACKOFF.toNanos());

        assertThat(buffers.take()).as("tried again, and failed again").isNull();
        assertThat(buffers.take()).isNull();
        nanos.addAndGet(ChunkBuffers.ALLOCATION_BACKOFF.minusMillis(1).toNanos());
        assertThat(buffers.take()).isNull();

        assertThat(attempts).hasValue(2);
    }
}
