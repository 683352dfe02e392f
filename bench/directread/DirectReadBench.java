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
 * of plain, direct, direct-no-read-ahead (every chunk read by the reader when it needs it); or {@code envelope FILE
 * RUNS} with gateway-crypto and its dependencies on the class path too (see {@link #envelope}; bench/directread/run
 * with ENVELOPE=1).
 */
public final class DirectReadBench {

    public static void main(String[] args) throws Exception {
        if (args[0].equals("envelope")) {
            envelope(Path.of(args[1]), Integer.parseInt(args[2]));
            return;
        }
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

    /**
     * The download's whole read path: a 1 GiB envelope (written here, then flushed) decrypted by EnvelopeReader, 128
     * KiB at a time, from a plain FileChannel and from a DirectReadChannel, {@code runs} rounds, the page cache
     * dropped before each read (waiting while /work/coord/QUIET exists). Needs gateway-crypto on the class path.
     */
    private static void envelope(Path file, int runs) throws Exception {
        io.vaultgate.crypto.DataKey key = io.vaultgate.crypto.DataKey.generate();
        io.vaultgate.crypto.EnvelopeContext context = new io.vaultgate.crypto.EnvelopeContext("bench", "f_bench");
        Files.deleteIfExists(file);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            var writer = io.vaultgate.crypto.stream.OutOfOrderEnvelopeWriter.create(key, context, out, 64, b -> { });
            byte[] piece = new byte[1 << 20];
            new java.util.Random(24).nextBytes(piece);
            for (long at = 0; at < (1L << 30); at += piece.length) {
                writer.write(at, ByteBuffer.wrap(piece));
            }
            writer.finish();
            writer.close();
            out.force(true);
        }
        byte[] buffer = new byte[128 * 1024];
        for (int run = 0; run < runs; run++) {
            for (String mode : new String[] {"plain", "direct"}) {
                dropCaches();
                long[] cpu0 = cpuTicks();
                long t0 = System.nanoTime();
                long total = 0;
                try (var reader = io.vaultgate.crypto.stream.EnvelopeReader.open(key, context, open(mode, file));
                     var in = reader.inputStream()) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        total += n;
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                long[] cpu1 = cpuTicks();
                System.out.printf("decrypt-%s %d bytes in %.3f s: %.0f MiB/s, cpu user %.2f s sys %.2f s total %.2f"
                        + " s%n", mode, total, seconds, total / seconds / (1 << 20), (cpu1[0] - cpu0[0]) / 100.0,
                        (cpu1[1] - cpu0[1]) / 100.0, (cpu1[0] - cpu0[0] + cpu1[1] - cpu0[1]) / 100.0);
            }
        }
        Files.delete(file);
    }

    private static void dropCaches() throws Exception {
        while (Files.exists(Path.of("/work/coord/QUIET"))) {
            Thread.sleep(20_000);
        }
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
    }

    private static SeekableByteChannel open(String mode, Path file) throws IOException {
        switch (mode) {
            case "plain":
                return FileChannel.open(file, StandardOpenOption.READ);
            case "direct":
                return DirectReadChannel.open(file, DirectIo.blockSize(file.getParent()).orElseThrow());
            case "direct-no-read-ahead": // a pool that never takes a read-ahead: the reader reads every chunk itself
                int block = DirectIo.blockSize(file.getParent()).orElseThrow();
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
