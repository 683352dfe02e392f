package io.vaultgate.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads one file from start to end as a download does (reads of one stored 64 KiB segment, 65,564 bytes, into a
 * heap array, as the envelope reader makes them) through a plain {@link FileChannel} or a {@link DirectReadChannel},
 * and prints the wall time, MiB/s and this process's user and system CPU seconds of the read alone. Whether the file
 * is in the page cache is the caller's business (bench/directread/run drops the caches before each run). In the
 * storage package, compiled with javac and run on the class path: DirectReadChannel is package-private.
 * Usage: java -cp gateway-core/target/classes:CLASSES io.vaultgate.core.storage.DirectReadBench MODE FILE, MODE one
 * of plain, direct, direct-no-read-ahead (every chunk read by the reader when it needs it).
 */
public final class DirectReadBench {

    public static void main(String[] args) throws IOException {
        String mode = args[0];
        Path file = Path.of(args[1]);
        int readSize = Integer.parseInt(System.getProperty("readSize", "65564"));
        ByteBuffer dst = ByteBuffer.wrap(new byte[readSize]);
        long[] cpu0 = cpuTicks();
        long t0 = System.nanoTime();
        long total = 0;
        long sum = 0;
        try (SeekableByteChannel channel = open(mode, file)) {
            while (true) {
                dst.clear();
                while (dst.hasRemaining()) {
                    if (channel.read(dst) < 0) {
                        break;
                    }
                }
                if (dst.position() == 0) {
                    break;
                }
                total += dst.position();
                sum += dst.get(0) + dst.get(dst.position() - 1); // touch the bytes
            }
        }
        long t1 = System.nanoTime();
        long[] cpu1 = cpuTicks();
        double seconds = (t1 - t0) / 1e9;
        double tick = 100.0; // USER_HZ
        System.out.printf("%s %d bytes in %.3f s: %.0f MiB/s, cpu user %.2f s sys %.2f s total %.2f s (%d)%n", mode,
                total, seconds, total / seconds / (1 << 20), (cpu1[0] - cpu0[0]) / tick, (cpu1[1] - cpu0[1]) / tick,
                (cpu1[0] - cpu0[0] + cpu1[1] - cpu0[1]) / tick, sum);
    }

    private static SeekableByteChannel open(String mode, Path file) throws IOException {
        switch (mode) {
            case "plain":
                return FileChannel.open(file, StandardOpenOption.READ);
            case "direct":
                return DirectReadChannel.open(file, DirectReadChannel.blockSize(file.getParent()));
            case "direct-no-read-ahead": // a pool that never takes a read-ahead: the reader reads every chunk itself
                int block = DirectReadChannel.blockSize(file.getParent());
                return DirectReadChannel.open(file, ChunkBuffers.shared(block), task -> {
                    throw new java.util.concurrent.RejectedExecutionException("no read-ahead");
                });
            default:
                throw new IllegalArgumentException("mode is plain, direct or direct-no-read-ahead, not " + mode);
        }
    }

    /** utime and stime of this process, in clock ticks (/proc/self/stat fields 14 and 15). */
    private static long[] cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    }
}
