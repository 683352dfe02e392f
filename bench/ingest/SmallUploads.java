import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The core's per-file cost of small uploads, in process: what the SFTP front-end asks of the core for one OpenSSH
 * {@code put} of a 64 KiB file (a STAT of the target, which is not there; an OPEN; two WRITEs of 32 KiB; the CLOSE
 * that commits), on a real core (SQLite catalog, filesystem store, keystore key provider: {@code TestCore}) in a
 * temporary directory, whose connection pool holds {@code -Dpooled=3} connections as a running gateway's does.
 * Baseline, in interleaved rounds of the same count so both see the same machine load: the same plaintext written
 * durably by plain Java the way the object store makes an object final (write a temporary file, fdatasync, rename,
 * fsync the directory). Prints per round the calling thread's CPU per file (ThreadMXBean), the process's CPU per
 * file (JIT and GC included), the wall time and the bytes the thread allocated per file, then the medians and the
 * gateway/baseline ratios. Thread CPU and allocation are the figures to compare between builds on a shared
 * machine; wall times follow the load. {@code -Ddir=/dev/shm} runs it on a tmpfs, whose flushes cost nothing: the
 * CPU without the waits for the disk (for profiling), not a durable figure. Run by bench/ingest/run.
 */
public final class SmallUploads {

    public static void main(String[] args) throws Exception {
        int size = Integer.getInteger("sizeKiB", 64) * 1024;
        int warmup = Integer.getInteger("warmup", 4000);
        int files = Integer.getInteger("files", 500);
        int rounds = Integer.getInteger("rounds", 5);
        String parent = System.getProperty("dir", System.getProperty("java.io.tmpdir"));
        Path home = Files.createTempDirectory(Path.of(parent), "vaultgate-bench-ingest-");
        byte[] data = new byte[size];
        new Random(1).nextBytes(data);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (TestCore test = TestCore.create(Files.createDirectories(home.resolve("core")))) {
            ClientPrincipal client = test.client("bench", "alice", Protocol.SFTP);
            holdConnectionsAtOnce(test, Integer.getInteger("pooled", 3));
            Path plain = Files.createDirectories(home.resolve("plain"));
            int[] next = {0};
            Runnable gateway = () -> put(test, client, "/inbox/f" + next[0]++ + ".bin", data);
            Runnable baseline = () -> writeDurably(plain, "f" + next[0]++ + ".bin", data);
            System.out.printf("small uploads, in process: %d KiB files, %d warm-up, %d rounds of %d (JDK %s)%n",
                    size / 1024, warmup, rounds, files, System.getProperty("java.version"));
            for (int i = 0; i < warmup; i++) {
                gateway.run();
                if (i % 4 == 0) {
                    baseline.run();
                }
            }
            List<double[]> gw = new ArrayList<>();
            List<double[]> base = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                double[] g = measure(gateway, files, threads, os);
                double[] b = measure(baseline, files, threads, os);
                gw.add(g);
                base.add(b);
                System.out.printf("round %d  gateway: thread CPU %.3f ms, process CPU %.3f ms, wall %.3f ms, "
                        + "allocated %.0f KiB per file | baseline: %.3f / %.3f / %.3f | wall ratio %.2f%n", round,
                        g[0], g[1], g[2], g[3], b[0], b[1], b[2], g[2] / b[2]);
            }
            System.out.printf("median gateway: thread CPU %.3f ms, process CPU %.3f ms, wall %.3f ms per file "
                    + "(%.0f files/s), allocated %.0f KiB per file%n", median(gw, 0), median(gw, 1), median(gw, 2),
                    1000 / median(gw, 2), median(gw, 3));
            System.out.printf("median baseline: thread CPU %.3f ms, process CPU %.3f ms, wall %.3f ms per file "
                    + "(%.0f files/s)%n", median(base, 0), median(base, 1), median(base, 2), 1000 / median(base, 2));
            System.out.printf("gateway / baseline: wall %.2f, process CPU %.2f (median of the rounds' ratios: %.2f)%n",
                    median(gw, 2) / median(base, 2), median(gw, 1) / median(base, 1), medianRatio(gw, base));
        } finally {
            try (Stream<Path> all = Files.walk(home)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Has {@code count} catalog connections in use at once, so that the pool keeps that many: a running gateway's
     * pool holds several, which its background duties (heartbeat, outbox, gauges, checkpoints) borrow beside the
     * session threads, where this loop alone would only ever use one.
     */
    private static void holdConnectionsAtOnce(TestCore test, int count) throws InterruptedException {
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(count);
        List<Thread> holders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Thread holder = new Thread(() -> test.database().read(jdbc -> {
                all.countDown();
                try {
                    all.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return jdbc.count("SELECT COUNT(*) FROM tenants");
            }));
            holder.start();
            holders.add(holder);
        }
        for (Thread holder : holders) {
            holder.join();
        }
    }

    /** What the SFTP front-end asks of the core for one {@code put}. */
    private static void put(TestCore test, ClientPrincipal client, String name, byte[] data) {
        VirtualPath path = PathPolicy.parse(name);
        try {
            test.core().files().stat(client, path);
            throw new IllegalStateException(name + " exists");
        } catch (GatewayException expected) {
            // not there yet
        }
        try (Upload upload = test.core().ingest().open(client, path, UploadMode.CREATE)) {
            for (int offset = 0; offset < data.length; offset += 32768) {
                upload.write(offset, ByteBuffer.wrap(data, offset, Math.min(32768, data.length - offset)));
            }
            upload.commit();
        }
    }

    private static void writeDurably(Path dir, String name, byte[] data) {
        try {
            Path temporary = dir.resolve(name + ".part");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }
            Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * {thread CPU, process CPU, wall} in ms and the bytes the thread allocated in KiB, per file, over {@code files}
     * runs of {@code work}.
     */
    private static double[] measure(Runnable work, int files, com.sun.management.ThreadMXBean threads,
                                    com.sun.management.OperatingSystemMXBean os) {
        long allocated = threads.getCurrentThreadAllocatedBytes();
        long thread = threads.getCurrentThreadCpuTime();
        long process = os.getProcessCpuTime();
        long wall = System.nanoTime();
        for (int i = 0; i < files; i++) {
            work.run();
        }
        return new double[] {(threads.getCurrentThreadCpuTime() - thread) / 1e6 / files,
                (os.getProcessCpuTime() - process) / 1e6 / files, (System.nanoTime() - wall) / 1e6 / files,
                (threads.getCurrentThreadAllocatedBytes() - allocated) / 1024.0 / files};
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(row -> row[column]).sorted().toArray();
        return values[values.length / 2];
    }

    private static double medianRatio(List<double[]> gateway, List<double[]> baseline) {
        double[] ratios = new double[gateway.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = gateway.get(i)[2] / baseline.get(i)[2];
        }
        java.util.Arrays.sort(ratios);
        return ratios[ratios.length / 2];
    }
}
