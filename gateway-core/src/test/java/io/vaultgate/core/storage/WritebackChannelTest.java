package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.testing.CatalogIndependent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes behind: past the first bytes, the caller hands its bytes over and a writer thread puts them in the file. */
@CatalogIndependent
class WritebackChannelTest {

    private static final WritebackChannel.PositionalWrite PWRITE = FileChannel::write;

    private final ExecutorService writerThread = Executors.newSingleThreadExecutor();
    private final CountDownLatch released = new CountDownLatch(1);
    /** A writer that writes nothing until {@link #released} opens. */
    private final Executor heldWriter = task -> writerThread.execute(() -> {
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        task.run();
    });
    private final List<Long> flushedSizes = new CopyOnWriteArrayList<>();
    private final Random random = new Random(18);

    @TempDir
    Path dir;

    @AfterEach
    void stopWriter() {
        released.countDown();
        writerThread.shutdownNow();
    }

    private WritebackChannel channel(Path file, WritebackChannel.Behind behind) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new WritebackChannel(channel, Long.MAX_VALUE, Runnable::run, c -> flushedSizes.add(c.size()), behind);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void writesPastTheFirstBytes_returnBeforeTheyReachTheFile_andTheFlushWaitsForThem() throws IOException {
        Path file = dir.resolve("object");
        WritebackChannel channel = channel(file, new WritebackChannel.Behind(100, 8, heldWriter, PWRITE));
        byte[] first = bytes(100);
        byte[] rest = bytes(3_000);

        channel.write(ByteBuffer.wrap(first));
        assertThat(Files.size(file)).as("the first bytes are written by the caller").isEqualTo(100);
        channel.position(1_100);
        channel.write(ByteBuffer.wrap(rest, 1_000, 2_000));
        channel.position(100);
        channel.write(ByteBuffer.wrap(rest, 0, 1_000));
        assertThat(channel.position()).isEqualTo(1_100);
        assertThat(Files.size(file)).as("the rest is queued, not written yet").isEqualTo(100);

        CompletableFuture<Void> flushed = CompletableFuture.runAsync(() -> {
            try {
                channel.forceData();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(flushed).as("the flush waits for the queued writes").isNotDone();
        released.countDown();
        flushed.join();

        assertThat(flushedSizes).containsExactly(3_100L);
        byte[] expected = Arrays.copyOf(first, 3_100);
        System.arraycopy(rest, 0, expected, 100, 3_000);
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
        channel.close();
    }

    @Test
    void aFailedWriteBehind_failsTheFlush_andTheNextWrite() throws IOException {
        WritebackChannel.PositionalWrite failingAt200 = (channel, src, position) -> {
            if (position >= 200) {
                throw new IOException("No space left on device");
            }
            return channel.write(src, position);
        };
        WritebackChannel channel = channel(dir.resolve("object"),
                new WritebackChannel.Behind(0, 8, writerThread, failingAt200));
        for (int i = 0; i < 3; i++) {
            channel.write(ByteBuffer.wrap(bytes(100)));
        }

        assertThatThrownBy(channel::forceData).isInstanceOf(IOException.class)
                .hasMessageContaining("No space left on device");
        assertThat(flushedSizes).as("nothing is flushed as if it were complete").isEmpty();
        assertThatThrownBy(() -> channel.write(ByteBuffer.wrap(bytes(100)))).isInstanceOf(IOException.class)
                .hasMessageContaining("No space left on device");
        assertThatThrownBy(channel::forceAll).isInstanceOf(IOException.class);
        channel.close();
        assertThat(channel.isOpen()).isFalse();
    }

    /**
     * review25b L2: a full run that {@link DirectAppends} writes on the writer thread, and whose write fails (here its
     * direct descriptor, closed by an interrupt of that thread, as a failing disk would fail it), reaches this
     * channel's caller: the flush before a commit fails naming it, so do a truncation (the envelope writer cuts its
     * last segment back) and every later flush, and the flush itself never runs, so nothing is flushed or committed
     * as if complete. Guards the behaviour as it was (by reading it already held); there was no test of it at this
     * level.
     */
    @Test
    void aDirectRunWhoseWriteFailed_failsTheFlushAndTheTruncation_andNothingIsFlushed() throws IOException {
        OptionalInt block = DirectIo.blockSize(dir);
        assumeTrue(block.isPresent(), "the test directory's file system refuses O_DIRECT");
        Path file = dir.resolve("object");
        FileChannel plain = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Executor interruptingWriter = task -> writerThread.execute(() -> {
            Thread.currentThread().interrupt(); // the run's write on the direct descriptor closes it and fails
            task.run();
        });
        WritebackChannel channel = new WritebackChannel(plain,
                new WritebackChannel.DirectWrites(file, block.getAsInt()), Long.MAX_VALUE, Runnable::run,
                c -> flushedSizes.add(c.size()), new WritebackChannel.Behind(0, 8, interruptingWriter, PWRITE));
        try {
            channel.write(ByteBuffer.wrap(bytes(DirectAppends.CHUNK + 1000))); // a full run, handed to the writer

            assertThatThrownBy(channel::forceData).as("the flush before a commit").isInstanceOf(IOException.class)
                    .hasMessageContaining("a write of the object failed: a direct write failed")
                    .hasRootCauseInstanceOf(ClosedByInterruptException.class);
            assertThatThrownBy(() -> channel.truncate(DirectAppends.CHUNK)).as("a truncation")
                    .isInstanceOf(IOException.class).hasMessageContaining("a direct write failed");
            assertThatThrownBy(channel::forceData).as("a later flush").isInstanceOf(IOException.class)
                    .hasMessageContaining("a direct write failed");
            assertThat(flushedSizes).as("nothing is flushed as if it were complete").isEmpty();
        } finally {
            channel.close();
        }
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void atMostDepthBuffersAreQueued_thenTheWriterWaits() throws Exception {
        Path file = dir.resolve("object");
        WritebackChannel channel = channel(file, new WritebackChannel.Behind(0, 2, heldWriter, PWRITE));
        byte[] data = bytes(3_000);
        channel.write(ByteBuffer.wrap(data, 0, 1_000));
        channel.write(ByteBuffer.wrap(data, 1_000, 1_000));

        CompletableFuture<Integer> third = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.write(ByteBuffer.wrap(data, 2_000, 1_000));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThatThrownBy(() -> third.get(300, TimeUnit.MILLISECONDS)).as("two buffers are queued")
                .isInstanceOf(TimeoutException.class);
        released.countDown();

        assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo(1_000);
        channel.forceData();
        assertThat(Files.readAllBytes(file)).isEqualTo(data);
        channel.close();
    }

    @Test
    void sizeReadAndTruncate_seeEveryQueuedWrite() throws IOException {
        WritebackChannel channel = channel(dir.resolve("object"),
                new WritebackChannel.Behind(0, 4, writerThread, PWRITE));
        byte[] data = bytes(50_000);
        for (int from = 0; from < data.length; from += 5_000) {
            channel.write(ByteBuffer.wrap(data, from, 5_000));
        }

        assertThat(channel.size()).isEqualTo(50_000);
        ByteBuffer back = ByteBuffer.allocate(50_000);
        channel.position(0);
        while (back.hasRemaining() && channel.read(back) > 0) {
            // read on
        }
        assertThat(back.array()).isEqualTo(data);

        channel.write(ByteBuffer.wrap(bytes(1_000)));
        channel.truncate(20_000);
        assertThat(channel.size()).isEqualTo(20_000);
        assertThat(channel.position()).isEqualTo(20_000);
        channel.close();
    }

    @Test
    void closing_waitsForTheQueuedWrites() throws IOException {
        Path file = dir.resolve("object");
        AtomicInteger writes = new AtomicInteger();
        WritebackChannel channel = channel(file, new WritebackChannel.Behind(0, 8, writerThread,
                (c, src, position) -> {
                    writes.incrementAndGet();
                    return c.write(src, position);
                }));
        for (int i = 0; i < 8; i++) {
            channel.write(ByteBuffer.wrap(bytes(10_000)));
        }

        channel.close();

        assertThat(writes).hasValue(8);
        assertThat(Files.size(file)).isEqualTo(80_000);
    }
}
