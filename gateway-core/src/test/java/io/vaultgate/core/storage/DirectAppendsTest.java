package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.testing.CatalogIndependent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends gathered into block-aligned direct writes: the file ends up holding exactly what was written. */
@CatalogIndependent
class DirectAppendsTest {

    private final Random random = new Random(24);
    @TempDir
    Path dir;
    private Path path;
    private FileChannel file;
    private FileChannel direct;
    private DirectAppends appends;
    private int block;

    @BeforeEach
    void open() throws IOException {
        OptionalInt size = DirectIo.blockSize(dir);
        assumeTrue(size.isPresent(), "the test directory's file system refuses O_DIRECT");
        block = size.getAsInt();
        path = dir.resolve("object");
        file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        direct = DirectIo.open(path, StandardOpenOption.WRITE);
        appends = new DirectAppends(file, direct, block);
    }

    @AfterEach
    void close() throws IOException {
        if (file != null) {
            file.close();
            direct.close();
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void unalignedAppendsAfterAnUnalignedHead_endUpInTheFileExactly_mostOfThemWrittenDirectly() throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] head = bytes(1000); // what the caller wrote itself before writes went behind
        file.write(ByteBuffer.wrap(head), 0);
        expected.writeBytes(head);
        long at = head.length;
        for (int i = 0; i < 40; i++) {
            byte[] segment = bytes(65_536 + 16 + random.nextInt(3));
            appends.write(ByteBuffer.wrap(segment), at);
            expected.writeBytes(segment);
            at += segment.length;
        }
        appends.settle();

        assertThat(Files.readAllBytes(path)).isEqualTo(expected.toByteArray());
        assertThat(appends.writtenDirectly()).isGreaterThanOrEqualTo(at - DirectAppends.CHUNK - block);
    }

    @Test
    void withAWriter_eachFullRunIsWrittenOnItOnce_thePartialLastRunBySettle_andTheFileHoldsEveryByte()
            throws Exception {
        java.util.List<String> ranOn = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "test-writer"));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] head = bytes(1000);
        file.write(ByteBuffer.wrap(head), 0);
        expected.writeBytes(head);
        long at = head.length;
        try (DirectAppends twoRuns = new DirectAppends(file, direct, block, task -> writer.execute(() -> {
            ranOn.add(Thread.currentThread().getName());
            task.run();
        }))) {
            for (int i = 0; i < 40; i++) {
                byte[] segment = bytes(65_536 + 16 + random.nextInt(3));
                twoRuns.write(ByteBuffer.wrap(segment), at);
                expected.writeBytes(segment);
                at += segment.length;
            }
            twoRuns.settle();

            assertThat(ranOn).as("one task per full run, none for the partial one settled by the caller")
                    .hasSize((int) (at / DirectAppends.CHUNK)).containsOnly("test-writer");
            assertThat(twoRuns.writtenDirectly()).isGreaterThanOrEqualTo(at - DirectAppends.CHUNK - block);
        } finally {
            writer.shutdownNow();
        }
        assertThat(Files.readAllBytes(path)).isEqualTo(expected.toByteArray());
    }

    /**
     * review25b M1: the second staging buffer comes from the same capped pool as the first (and so from its back-off
     * after a direct-memory failure), not from an allocation of its own per upload; both go back at close. With the
     * pool out, every run is written by the caller, the bytes still exact.
     */
    @Test
    void withAWriter_theSecondRunComesFromThePool_andBothGoBackAtClose_orTheCallerWritesEachRun() throws Exception {
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        ChunkBuffers pool = new ChunkBuffers(block, DirectAppends.CHUNK, 2, 2);
        try {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            long at = 0;
            try (DirectAppends twoRuns = DirectAppends.open(file, path, block, writer, pool)) {
                at = writeThreeRuns(twoRuns, at, expected);
                assertThat(pool.take()).as("both of the pool's buffers staging this object").isNull();
            }
            ByteBuffer first = pool.take();
            ByteBuffer second = pool.take();
            assertThat(first).as("given back at close").isNotNull();
            assertThat(second).as("given back at close").isNotNull();

            pool.giveBack(first); // one left in the pool, the other out: no second run for the next object
            try (DirectAppends oneRun = DirectAppends.open(file, path, block, writer, pool)) {
                writeThreeRuns(oneRun, at, expected);
                assertThat(oneRun.writtenDirectly()).isEqualTo(3L * DirectAppends.CHUNK);
            }
            pool.giveBack(second);
            assertThat(Files.readAllBytes(path)).isEqualTo(expected.toByteArray());
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void withAWriter_aRunWhoseWriteFailed_failsTheWriteThatFillsTheNextRun_andEverySettle() throws Exception {
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (DirectAppends twoRuns = new DirectAppends(file, direct, block, writer)) {
            direct.close(); // the run's write fails on the writer
            twoRuns.write(ByteBuffer.wrap(bytes(DirectAppends.CHUNK)), 0);

            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> twoRuns.write(ByteBuffer.wrap(bytes(DirectAppends.CHUNK)), DirectAppends.CHUNK))
                    .isInstanceOf(IOException.class).hasMessageContaining("a direct write failed");
            org.assertj.core.api.Assertions.assertThatThrownBy(twoRuns::settle)
                    .isInstanceOf(IOException.class).hasMessageContaining("a direct write failed");
        } finally {
            writer.shutdownNow();
        }
    }

    /**
     * A second close gives nothing back: the pool must never hold one buffer twice, or two later uploads would stage
     * into the same memory and each write the other's ciphertext into its object (found by the power-loss test's
     * author reading WritebackChannel.close, which closes its appends on every call).
     */
    @Test
    void closingTwice_givesEachStagingBufferBackOnce() throws Exception {
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        ChunkBuffers pool = new ChunkBuffers(block, DirectAppends.CHUNK, 2, 4);
        try {
            DirectAppends appends = DirectAppends.open(file, path, block, writer, pool);
            writeThreeRuns(appends, 0, new ByteArrayOutputStream());
            appends.close();
            appends.close();

            ByteBuffer first = pool.take();
            ByteBuffer second = pool.take();
            assertThat(first).isNotNull();
            assertThat(second).isNotNull().isNotSameAs(first);
            assertThat(pool.take()).as("the pool's two buffers are out; none is handed out twice").isNull();
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void appendsAfterASettle_continueInsideThePartialBlock() throws IOException {
        byte[] first = bytes(block * 3 + 123);
        byte[] second = bytes(DirectAppends.CHUNK + 77);
        appends.write(ByteBuffer.wrap(first), 0);
        appends.settle();
        assertThat(Files.readAllBytes(path)).isEqualTo(first);

        appends.write(ByteBuffer.wrap(second), first.length);
        appends.settle();

        assertThat(Files.readAllBytes(path)).isEqualTo(concat(first, second));
    }

    @Test
    void aRewriteOfTheLastSegment_replacesItsBytes_whetherStagedOrAlreadyWritten() throws IOException {
        byte[] data = bytes(DirectAppends.CHUNK * 2 + 5000);
        appends.write(ByteBuffer.wrap(data), 0);
        byte[] staged = bytes(3000); // inside what is still staged
        appends.write(ByteBuffer.wrap(staged), data.length - 3000);
        System.arraycopy(staged, 0, data, data.length - 3000, 3000);
        byte[] written = bytes(7000); // reaches back into the chunk already written directly
        appends.write(ByteBuffer.wrap(written), data.length - 7000);
        System.arraycopy(written, 0, data, data.length - 7000, 7000);
        byte[] more = bytes(block + 1);
        appends.write(ByteBuffer.wrap(more), data.length);
        appends.settle();

        assertThat(Files.readAllBytes(path)).isEqualTo(concat(data, more));
    }

    @Test
    void anAppendPastTheEnd_leavesZerosInTheGap() throws IOException {
        byte[] data = bytes(100);
        appends.write(ByteBuffer.wrap(data), 5000);
        appends.settle();

        byte[] expected = new byte[5100];
        System.arraycopy(data, 0, expected, 5000, 100);
        assertThat(Files.readAllBytes(path)).isEqualTo(expected);
    }

    @Test
    void settlingTwice_orWithNothingStaged_changesNothing() throws IOException {
        appends.settle();
        byte[] data = bytes(block + 1);
        appends.write(ByteBuffer.wrap(data), 0);
        appends.settle();
        appends.settle();

        assertThat(Files.readAllBytes(path)).isEqualTo(data);
        assertThat(Files.size(path)).isEqualTo(data.length);
    }

    /**
     * review25b L1: past its first bytes a direct write only stages into a pooled buffer, which is another upload's
     * once this channel is closed: a write after close is refused, and stages nothing.
     */
    @Test
    void aWritebackChannelWritingDirectly_refusesAWriteAfterClose() throws Exception {
        Path other = dir.resolve("closed");
        FileChannel plain = FileChannel.open(other, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            WritebackChannel channel = new WritebackChannel(plain, new WritebackChannel.DirectWrites(other, block),
                    Long.MAX_VALUE, Runnable::run, c -> c.force(false),
                    new WritebackChannel.Behind(0, 8, writer, FileChannel::write));
            channel.write(ByteBuffer.wrap(bytes(4096)));
            channel.close();

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> channel.write(ByteBuffer.wrap(bytes(65_536))))
                    .isInstanceOf(java.nio.channels.ClosedChannelException.class);
        } finally {
            writer.shutdownNow();
        }
        assertThat(Files.size(other)).isEqualTo(4096);
    }

    @Test
    void aWritebackChannelWritingDirectly_flushesAndReadsBackEveryByte_withTruncationsBetween() throws Exception {
        Path other = dir.resolve("behind");
        FileChannel plain = FileChannel.open(other, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (WritebackChannel channel = new WritebackChannel(plain, new WritebackChannel.DirectWrites(other, block),
                Long.MAX_VALUE, Runnable::run, c -> c.force(false),
                new WritebackChannel.Behind(4096 + 10, 8, writer, FileChannel::write))) {
            for (int i = 0; i < 60; i++) {
                byte[] piece = bytes(1 + random.nextInt(100_000));
                channel.write(ByteBuffer.wrap(piece));
                expected.writeBytes(piece);
                if (i % 20 == 19) { // the envelope writer's last segment, cut back and written again
                    long size = channel.size();
                    channel.truncate(size - 500);
                    channel.position(size - 500);
                    byte[] tail = bytes(500);
                    channel.write(ByteBuffer.wrap(tail));
                    byte[] all = expected.toByteArray();
                    System.arraycopy(tail, 0, all, all.length - 500, 500);
                    expected.reset();
                    expected.writeBytes(all);
                }
            }
            channel.forceData();

            byte[] all = expected.toByteArray();
            assertThat(channel.size()).isEqualTo(all.length);
            ByteBuffer back = ByteBuffer.allocate(all.length);
            channel.position(0);
            while (back.hasRemaining() && channel.read(back) >= 0) {
                // reads until full
            }
            assertThat(back.array()).isEqualTo(all);
        } finally {
            writer.shutdownNow();
        }
        assertThat(Files.readAllBytes(other)).isEqualTo(expected.toByteArray());
    }

    @Test
    void aStoreWritesDirectly_onlyWhenAsked() throws IOException {
        assertThat(new FileSystemObjectStore(dir.resolve("on")).writesDirectly()).isTrue();
        assertThat(new FileSystemObjectStore(dir.resolve("off"), false).writesDirectly()).isFalse();
        assertThat(dir.resolve("on")).isEmptyDirectory(); // the probe leaves nothing behind
    }

    @Test
    void blocksLargerThanAStagedRun_orNotAPowerOfTwo_turnDirectIoOff() {
        assertThat(DirectIo.usable(512)).hasValue(4096);
        assertThat(DirectIo.usable(DirectAppends.CHUNK)).hasValue(DirectAppends.CHUNK);
        assertThat(DirectIo.usable(1 << 20)).isEmpty(); // ZFS recordsize=1M, NFS wsize
        assertThat(DirectIo.usable(4 << 20)).isEmpty(); // CephFS
        assertThat(DirectIo.usable(12_288)).isEmpty();
    }

    @Test
    void anEmptyWrite_doesNotGrowTheFile() throws IOException {
        appends.write(ByteBuffer.allocate(0), 5000);
        appends.settle();

        assertThat(Files.size(path)).isZero();
    }

    @Test
    void anErrorOnTheWriterThread_failsTheFlush_insteadOfLeavingItWaiting() throws Exception {
        Path other = dir.resolve("error");
        FileChannel plain = FileChannel.open(other, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (WritebackChannel channel = new WritebackChannel(plain, Long.MAX_VALUE, Runnable::run, c -> { },
                new WritebackChannel.Behind(0, 8, writer, (c, src, at) -> {
                    throw new OutOfMemoryError("Cannot reserve 528384 bytes of direct buffer memory (a test)");
                }))) {
            channel.write(ByteBuffer.wrap(bytes(1000)));

            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                    () -> org.assertj.core.api.Assertions.assertThatThrownBy(channel::forceData)
                            .isInstanceOf(IOException.class).hasMessageContaining("direct buffer memory"));
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void withEveryStagingBufferOut_anUploadIsWrittenThroughThePageCache_exactly() throws Exception {
        ChunkBuffers pool = ChunkBuffers.staging(block);
        java.util.List<ByteBuffer> taken = new java.util.ArrayList<>();
        for (ByteBuffer b = pool.take(); b != null; b = pool.take()) {
            taken.add(b);
        }
        Path other = dir.resolve("no-staging");
        FileChannel plain = FileChannel.open(other, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        byte[] data = bytes(3 * DirectAppends.CHUNK + 99);
        try (WritebackChannel channel = new WritebackChannel(plain, new WritebackChannel.DirectWrites(other, block),
                Long.MAX_VALUE, Runnable::run, c -> c.force(false),
                new WritebackChannel.Behind(0, 8, writer, FileChannel::write))) {
            for (int at = 0; at < data.length; at += 65_552) {
                channel.write(ByteBuffer.wrap(data, at, Math.min(65_552, data.length - at)));
            }
            channel.forceData();
            assertThat(descriptorsOf(other)).as("no direct descriptor opened beside the plain one").isEqualTo(1);
        } finally {
            writer.shutdownNow();
            taken.forEach(pool::giveBack);
        }
        assertThat(Files.readAllBytes(other)).isEqualTo(data);
        assertThat(descriptorsOf(other)).isZero();
    }

    /** Writes three full runs from {@code at}, adds them to {@code expected} and settles; returns the new end. */
    private long writeThreeRuns(DirectAppends appends, long at, ByteArrayOutputStream expected) throws IOException {
        for (int i = 0; i < 3; i++) {
            byte[] run = bytes(DirectAppends.CHUNK);
            appends.write(ByteBuffer.wrap(run), at);
            expected.writeBytes(run);
            at += run.length;
        }
        appends.settle();
        return at;
    }

    /** This process's open descriptors of {@code file}. */
    private static long descriptorsOf(Path file) throws IOException {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
