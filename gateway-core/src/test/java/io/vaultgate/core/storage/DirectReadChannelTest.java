package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.stream.EnvelopeReader;
import io.vaultgate.crypto.stream.OutOfOrderEnvelopeWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads of committed objects with {@code O_DIRECT}: the bytes are those of a plain read whatever the size (aligned
 * or not, one chunk or several) and the access pattern, a sequential reader is read ahead for, and a file system
 * where direct reads do not work is told apart so the store falls back to a plain channel.
 */
@CatalogIndependent
class DirectReadChannelTest {

    private static final int MIB = 1 << 20;
    private static final int CHUNK = DirectReadChannel.CHUNK;

    @TempDir
    Path dir;
    private int block;
    private ChunkBuffers buffers;
    private final Random random = new Random(24);
    /** Read-aheads handed to the pool, and a pool that runs them at once on the calling thread. */
    private final AtomicInteger submitted = new AtomicInteger();
    private final Executor inline = task -> {
        submitted.incrementAndGet();
        task.run();
    };
    /** Read-aheads queued here run only when the test says so (or when the reader takes them itself). */
    private final List<Runnable> held = new ArrayList<>();

    @BeforeEach
    void directReadsWorkHere() throws IOException {
        java.util.OptionalInt size = DirectIo.blockSize(dir);
        assumeTrue(size.isPresent(), "O_DIRECT works in " + dir);
        block = size.getAsInt();
        buffers = new ChunkBuffers(block, CHUNK, 64, 16);
    }

    static Stream<Integer> sizes() {
        int block = 4096;
        return Stream.of(0, 1, block - 1, block, block + 1, MIB - 1, MIB, MIB + 1, 5 * MIB + 17);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void readsTheBytesOfAPlainRead(int size) throws IOException {
        byte[] expected = file("f", size);
        int[] readSizes = size <= 8 * 1024 ? new int[] {1, 8191, 65_564, 3 * MIB} : new int[] {8191, 65_564, 3 * MIB};
        for (int readSize : readSizes) {
            try (DirectReadChannel channel = open("f")) {
                assertThat(channel.size()).isEqualTo(size);
                assertThat(readAll(channel, ByteBuffer.allocate(readSize))).isEqualTo(expected);
                assertThat(channel.read(ByteBuffer.allocate(1))).isEqualTo(-1);
            }
        }
        try (DirectReadChannel channel = open("f")) {
            assertThat(readAll(channel, ByteBuffer.allocateDirect(100_003))).isEqualTo(expected);
        }
    }

    @Test
    void sizesAroundTheFileStoresOwnBlockReadAsAPlainRead() throws IOException {
        for (int size : new int[] {block - 1, block, block + 1, 2 * block - 1}) {
            byte[] expected = file("b" + size, size);
            try (DirectReadChannel channel = open("b" + size)) {
                assertThat(readAll(channel, ByteBuffer.allocate(block / 2 + 3))).isEqualTo(expected);
            }
        }
    }

    @Test
    void randomReadsAndSeeksReadWhatIsThere() throws IOException {
        int size = 5 * MIB + 17;
        byte[] expected = file("f", size);
        try (DirectReadChannel channel = open("f")) {
            for (int i = 0; i < 400; i++) {
                long at = random.nextInt(size + 2 * MIB);
                int length = 1 + random.nextInt(random.nextBoolean() ? 70_000 : 3 * MIB);
                ByteBuffer dst = ByteBuffer.allocate(length);
                int n = channel.position(at).read(dst);
                if (at >= size) {
                    assertThat(n).as("read at %d, past the end", at).isEqualTo(-1);
                    assertThat(channel.position()).isEqualTo(at);
                    continue;
                }
                int want = (int) Math.min(length, size - at);
                assertThat(n).as("read of %d at %d", length, at).isEqualTo(want); // short only at the end
                assertThat(Arrays.copyOf(dst.array(), n))
                        .isEqualTo(Arrays.copyOfRange(expected, (int) at, (int) at + n));
                assertThat(channel.position()).isEqualTo(at + n);
                assertThat(channel.buffersHeld()).isLessThanOrEqualTo(2);
            }
        }
    }

    @Test
    void aReadAtOrPastTheEndIsMinusOneAndAnEmptyReadIsZero() throws IOException {
        file("f", MIB + 1);
        try (DirectReadChannel channel = open("f")) {
            assertThat(channel.position(MIB + 1).read(ByteBuffer.allocate(10))).isEqualTo(-1);
            assertThat(channel.position(Long.MAX_VALUE / 2).read(ByteBuffer.allocate(10))).isEqualTo(-1);
            assertThat(channel.position(MIB).read(ByteBuffer.allocate(0))).isZero();
            ByteBuffer last = ByteBuffer.allocate(10);
            assertThat(channel.read(last)).isEqualTo(1);
            assertThat(channel.read(last)).isEqualTo(-1);
            assertThatThrownBy(() -> channel.position(-1)).isInstanceOf(IllegalArgumentException.class);
        }
        file("empty", 0);
        try (DirectReadChannel channel = open("empty")) {
            assertThat(channel.read(ByteBuffer.allocate(10))).isEqualTo(-1);
            assertThat(channel.chunkReads()).isZero();
        }
    }

    @Test
    void aClosedChannelThrowsClosedChannelException() throws IOException {
        file("f", 10);
        DirectReadChannel channel = open("f");
        assertThat(channel.read(ByteBuffer.allocate(4))).isEqualTo(4);
        channel.close();
        channel.close(); // twice is nothing
        assertThat(channel.isOpen()).isFalse();
        assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(4))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(channel::size).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(channel::position).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> channel.position(0)).isInstanceOf(ClosedChannelException.class);
        assertThat(channel.buffersHeld()).isZero();
    }

    @Test
    void itIsReadOnlyAndAMissingFileIsNoSuchFile() throws IOException {
        file("f", 10);
        try (DirectReadChannel channel = open("f")) {
            assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(1)))
                    .isInstanceOf(NonWritableChannelException.class);
            assertThatThrownBy(() -> channel.truncate(0)).isInstanceOf(NonWritableChannelException.class);
        }
        assertThatThrownBy(() -> open("absent")).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("absent");
    }

    @Test
    void aFailedReadNamesTheFile() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("a-directory"));
        DirectReadChannel channel;
        try {
            channel = DirectReadChannel.open(sub, buffers, inline);
        } catch (IOException refused) { // where even the open fails, it names the file too
            assertThat(refused).hasMessageContaining(sub.toString());
            return;
        }
        try (channel) {
            assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(10))).isInstanceOf(IOException.class)
                    .hasMessageContaining(sub.toString());
        }
    }

    @Test
    void aSequentialReaderIsReadAheadOfAndEveryChunkIsReadOnce() throws IOException {
        int size = 5 * MIB + 17; // chunks 0 to 5
        byte[] expected = file("f", size);
        try (DirectReadChannel channel = open("f", held::add)) {
            ByteBuffer dst = ByteBuffer.allocate(64 * 1024);
            channel.read(dst); // the first read loads chunk 0 itself: nothing says yet that reads go on from there
            assertThat(channel.readAheadsStarted()).isZero();
            channel.read(dst.clear()); // continues the first: chunk 1 is asked for, while chunk 0 is still read
            assertThat(channel.readAheadsStarted()).isOne();
            assertThat(held).hasSize(1);
            assertThat(channel.position()).isLessThan(CHUNK);
            held.remove(0).run(); // the pool reads chunk 1 before the reader gets there
            ByteArrayCollector rest = new ByteArrayCollector(Arrays.copyOf(expected, 2 * 64 * 1024));
            while (true) {
                int n = channel.read(dst.clear());
                if (n < 0) {
                    break;
                }
                rest.add(dst.flip());
                held.forEach(Runnable::run); // a pool that keeps up
                held.clear();
            }
            assertThat(rest.bytes()).isEqualTo(expected);
            assertThat(channel.readAheadsStarted()).isEqualTo(5);
            assertThat(channel.readAheadsUsed()).isEqualTo(5);
            assertThat(channel.chunkReads()).isEqualTo(6);
        }
    }

    @Test
    void theEnvelopeReadersPatternReadsEachChunkOnce() throws IOException {
        int segment = EnvelopeFormat.DEFAULT_SEGMENT_SIZE;
        int stride = segment + EnvelopeFormat.SEGMENT_OVERHEAD;
        long segments = 82; // about 5.1 MiB: chunks 0 to 5, the last segment in chunk 5 only
        int size = (int) EnvelopeFormat.segmentOffset(segments - 1, segment) + 1000;
        byte[] expected = file("envelope", size);
        try (DirectReadChannel channel = open("envelope", inline)) {
            byte[] header = readAt(channel, 0, EnvelopeFormat.HEADER_SIZE);
            long lastAt = EnvelopeFormat.segmentOffset(segments - 1, segment);
            byte[] last = readAt(channel, lastAt, 1000);
            assertThat(header).isEqualTo(Arrays.copyOf(expected, EnvelopeFormat.HEADER_SIZE));
            assertThat(last).isEqualTo(Arrays.copyOfRange(expected, (int) lastAt, size));
            for (long i = 0; i < segments; i++) {
                long at = EnvelopeFormat.segmentOffset(i, segment);
                int length = (int) Math.min(stride, size - at);
                assertThat(readAt(channel, at, length)).isEqualTo(Arrays.copyOfRange(expected, (int) at,
                        (int) at + length));
            }
            // chunks 0 and 5 for the header and the last segment, then 1 to 5 ahead: chunk 5's buffer took chunk 1
            assertThat(channel.chunkReads()).isEqualTo(7);
            assertThat(channel.readAheadsUsed()).isEqualTo(5);
            assertThat(submitted).hasValue(5);
        }
    }

    @Test
    void anEnvelopeDecryptsThroughItAsThroughAPlainChannel() throws IOException {
        DataKey key = DataKey.generate();
        EnvelopeContext context = new EnvelopeContext("t1", "f_direct");
        byte[] plain = new byte[4 * MIB + 12_345];
        random.nextBytes(plain);
        Path file = dir.resolve("envelope");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            OutOfOrderEnvelopeWriter writer = OutOfOrderEnvelopeWriter.create(key, context, out, 64, bytes -> { });
            for (int at = 0; at < plain.length; at += 32 * 1024) {
                writer.write(at, ByteBuffer.wrap(plain, at, Math.min(32 * 1024, plain.length - at)));
            }
            writer.finish();
            writer.close();
        }
        DirectReadChannel channel = open("envelope");
        try (EnvelopeReader reader = EnvelopeReader.open(key, context, channel)) {
            assertThat(reader.inputStream().readAllBytes()).isEqualTo(plain);
            long chunks = (Files.size(file) + CHUNK - 1) / CHUNK;
            assertThat(channel.chunkReads()).as("each chunk once, the last twice").isEqualTo(chunks + 1);
            for (int i = 0; i < 30; i++) { // Range requests, resumed downloads
                int from = random.nextInt(plain.length);
                int length = Math.min(plain.length - from, 1 + random.nextInt(3 * MIB));
                ByteBuffer dst = ByteBuffer.allocate(length);
                reader.read(from, dst);
                assertThat(dst.array()).isEqualTo(Arrays.copyOfRange(plain, from, from + length));
            }
        }
        assertThat(channel.isOpen()).as("closing the reader closes the channel").isFalse();
    }

    @Test
    void aSeekElsewhereLeavesAReadAheadInFlightAloneAndUsesItLater() throws IOException {
        int size = 5 * MIB + 17;
        byte[] expected = file("f", size);
        try (DirectReadChannel channel = open("f", held::add)) {
            readAt(channel, 0, 1000);
            readAt(channel, 1000, 1000); // sequential: chunk 1 is queued, not read
            assertThat(held).hasSize(1);
            long far = 4L * CHUNK + 12_345; // a Range elsewhere: chunk 4 is loaded by the reader at once
            assertThat(readAt(channel, far, 5000)).isEqualTo(Arrays.copyOfRange(expected, (int) far,
                    (int) far + 5000));
            assertThat(readAt(channel, far + 5000, 5000)).isEqualTo(Arrays.copyOfRange(expected,
                    (int) far + 5000, (int) far + 10_000));
            assertThat(channel.readAheadsStarted()).as("one read-ahead in flight at a time").isOne();
            held.remove(0).run();
            long near = CHUNK + 77; // chunk 1 after all: the read-ahead's bytes
            assertThat(readAt(channel, near, 3000)).isEqualTo(Arrays.copyOfRange(expected, (int) near,
                    (int) near + 3000));
            assertThat(channel.readAheadsUsed()).isOne();
            assertThat(channel.chunkReads()).isEqualTo(3);
        }
    }

    @Test
    void aReadAheadNoPoolThreadTookIsReadByTheReader() throws IOException {
        int size = 3 * MIB + 5;
        byte[] expected = file("f", size);
        try (DirectReadChannel channel = open("f", held::add)) { // a pool too busy to ever get to it
            assertThat(readAll(channel, ByteBuffer.allocate(65_564))).isEqualTo(expected);
            assertThat(channel.readAheadsStarted()).isEqualTo(3);
            assertThat(channel.chunkReads()).isEqualTo(4);
        }
        held.forEach(Runnable::run); // the pool's late turn reads nothing into a buffer that went back
    }

    @Test
    void closingGivesTheBuffersBackOnceNoReadUsesThem() throws IOException {
        int chunk = 3 * block;
        ChunkBuffers few = new ChunkBuffers(block, chunk, 8, 8);
        file("f", 10 * chunk);
        DirectReadChannel channel = DirectReadChannel.open(dir.resolve("f"), few, held::add);
        readAt(channel, 0, 100);
        readAt(channel, 100, 100); // the second buffer is being read into (queued)
        assertThat(channel.buffersHeld()).isEqualTo(2);
        assertThat(few.inUse()).isEqualTo(2);
        channel.close();
        assertThat(few.inUse()).isZero(); // queued: ended by the close
        assertThat(few.idle()).isEqualTo(2);
        assertThat(channel.buffersHeld()).isZero();
        held.forEach(Runnable::run); // nothing more to give back
        assertThat(few.idle()).isEqualTo(2);
    }

    @Test
    void withEveryBufferOutAChannelReadsThroughThePageCacheAndReadsNoneAhead() throws IOException {
        int size = 3 * MIB + 99;
        byte[] expected = file("f", size);
        ChunkBuffers three = new ChunkBuffers(block, CHUNK, 3, 3);
        try (DirectReadChannel first = DirectReadChannel.open(dir.resolve("f"), three, inline);
             DirectReadChannel second = DirectReadChannel.open(dir.resolve("f"), three, inline);
             DirectReadChannel third = DirectReadChannel.open(dir.resolve("f"), three, inline)) {
            readAt(first, 0, 100);
            readAt(first, 100, 100); // and one ahead: two buffers
            readAt(second, 0, 100);
            readAt(second, 100, 100); // the third buffer, none to read ahead into
            assertThat(second.readAheadsStarted()).isZero();
            assertThat(second.buffersHeld()).isOne();
            assertThat(readAll(third, ByteBuffer.allocate(65_564))).isEqualTo(expected);
            assertThat(third.bufferedReads()).isPositive();
            assertThat(third.chunkReads()).isZero();
            assertThat(third.buffersHeld()).isZero();
            assertThat(readAll(second.position(0), ByteBuffer.allocate(65_564))).isEqualTo(expected); // one buffer
            first.close();
            assertThat(readAt(third, 2 * MIB + 1, 1000)).isEqualTo(Arrays.copyOfRange(expected, 2 * MIB + 1,
                    2 * MIB + 1001));
            assertThat(third.chunkReads()).as("a buffer given back is taken up").isOne();
        }
        assertThat(three.inUse()).isZero();
    }

    @Test
    void onTheSharedPoolASequentialReaderIsReadAheadOf() throws IOException {
        int size = 5 * MIB + 17;
        byte[] expected = file("f", size);
        for (int round = 0; round < 3; round++) {
            try (DirectReadChannel channel = DirectReadChannel.open(dir.resolve("f"), block)) {
                assertThat(readAll(channel, ByteBuffer.allocate(65_564))).isEqualTo(expected);
                assertThat(channel.readAheadsUsed()).isEqualTo(5);
                assertThat(channel.chunkReads()).isEqualTo(6);
            }
        }
    }

    @Test
    void channelsClosedWhileTheirReadAheadsRunReadRightAndHoldNothing() throws Exception {
        int size = 3 * MIB + 4097;
        byte[] expected = file("f", size);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ExecutorService readers = Executors.newFixedThreadPool(4);
        try {
            List<Future<DirectReadChannel>> done = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                long seed = i;
                done.add(readers.submit(() -> {
                    Random own = new Random(seed);
                    DirectReadChannel channel = DirectReadChannel.open(dir.resolve("f"), buffers, pool);
                    try {
                        long at = own.nextInt(size);
                        int reads = own.nextInt(60);
                        channel.position(at);
                        for (int r = 0; r < reads; r++) {
                            ByteBuffer dst = ByteBuffer.allocate(65_564);
                            long from = channel.position();
                            int n = channel.read(dst);
                            if (n < 0) {
                                assertThat(from).isGreaterThanOrEqualTo(size);
                                break;
                            }
                            assertThat(Arrays.copyOf(dst.array(), n))
                                    .isEqualTo(Arrays.copyOfRange(expected, (int) from, (int) from + n));
                        }
                    } finally {
                        channel.close(); // most of them with a read-ahead queued or running
                    }
                    return channel;
                }));
            }
            for (Future<DirectReadChannel> channel : done) {
                assertThat(channel.get(60, TimeUnit.SECONDS).buffersHeld()).isZero();
            }
        } finally {
            readers.shutdown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            readers.shutdownNow();
        }
    }

    @Test
    void directReadsAreToldApartFromAFileSystemThatRefusesThem() throws IOException {
        assertThat(DirectIo.blockSize(dir)).isPresent();
        assertThat(DirectIo.blockSize(dir, (file, options) -> {
            throw new FileSystemException(file.toString(), null, "Invalid argument"); // tmpfs before Linux 6.6
        })).isEmpty();
        assertThat(DirectIo.blockSize(dir.resolve("no-such-directory"))).isEmpty();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("the probe removes its file").isEmpty();
        }
    }

    private DirectReadChannel open(String name) throws IOException {
        return open(name, inline);
    }

    private DirectReadChannel open(String name, Executor readAhead) throws IOException {
        return DirectReadChannel.open(dir.resolve(name), buffers, readAhead);
    }

    private byte[] file(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        Files.write(dir.resolve(name), bytes);
        return bytes;
    }

    private static byte[] readAll(DirectReadChannel channel, ByteBuffer dst) throws IOException {
        ByteArrayCollector all = new ByteArrayCollector(new byte[0]);
        while (channel.read(dst.clear()) >= 0) {
            all.add(dst.flip());
        }
        return all.bytes();
    }

    private static byte[] readAt(DirectReadChannel channel, long position, int length) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(length);
        channel.position(position);
        while (dst.hasRemaining()) {
            if (channel.read(dst) < 0) {
                break;
            }
        }
        return Arrays.copyOf(dst.array(), dst.position());
    }

    private static final class ByteArrayCollector {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        ByteArrayCollector(byte[] start) {
            out.writeBytes(start);
        }

        void add(ByteBuffer bytes) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            out.writeBytes(copy);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
