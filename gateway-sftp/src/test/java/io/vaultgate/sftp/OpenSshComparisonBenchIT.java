package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.sftp.testing.OpenSshServer;
import io.vaultgate.sftp.testing.OpenSshSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue-5 workloads, in one run, against the gateway (encrypting at rest) and against a stock OpenSSH
 * {@code sshd} with its own {@code sftp-server} (writing plaintext), both driven by the stock OpenSSH client
 * with its default algorithm choice. Opt-in: {@code -Dvaultgate.bench=true -Dit.test=OpenSshComparisonBenchIT};
 * sizes via {@code vaultgate.bench.bigMib} (1024), {@code .smallFiles} (1000), {@code .parallel} (8) and
 * {@code .parallelMib} (128), and the gateway's cipher list via {@code .gatewayCiphers}. Prints one line per workload with the ratio gateway/OpenSSH.
 */
@EnabledIfSystemProperty(named = "vaultgate.bench", matches = "true")
class OpenSshComparisonBenchIT {

    private static final int BIG_MIB = Integer.getInteger("vaultgate.bench.bigMib", 1024);
    private static final int SMALL_FILES = Integer.getInteger("vaultgate.bench.smallFiles", 1000);
    private static final int PARALLEL = Integer.getInteger("vaultgate.bench.parallel", 8);
    private static final int PARALLEL_MIB = Integer.getInteger("vaultgate.bench.parallelMib", 128);

    @TempDir
    Path directory;
    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withSettings(s -> s.withAlgorithms(algorithms()));

    /** The hardened algorithms, or the ciphers of {@code -Dvaultgate.bench.gatewayCiphers}. */
    private static SftpAlgorithms algorithms() {
        String ciphers = System.getProperty("vaultgate.bench.gatewayCiphers");
        SftpAlgorithms hardened = SftpAlgorithms.hardened();
        return ciphers == null ? hardened : new SftpAlgorithms(hardened.keyExchanges(),
                List.of(ciphers.split(",")), hardened.macs(), hardened.signatures());
    }

    @Test
    void gatewayVersusOpenSsh() throws Exception {
        assumeTrue(OpenSshServer.isInstalled(), "openssh-server is not installed");
        try (OpenSshServer sshd = OpenSshServer.start(directory, Files.readString(
                Path.of(gateway.key(TestSftpGateway.ALICE) + ".pub")).trim())) {
            OpenSshSftp vg = gateway.openSsh(TestSftpGateway.ALICE);
            OpenSshSftp os = vg.against(sshd.port(), System.getProperty("user.name"));
            Path remote = Files.createDirectories(directory.resolve("sshd-data"));
            Path local = Files.createDirectories(directory.resolve("bench"));

            Path big = randomFile(local.resolve("big.bin"), BIG_MIB * 1024L * 1024);
            resetPeakHeap();
            double vgUp = mibPerSecond(BIG_MIB, vg, "put " + big + " /inbox/big.bin");
            double osUp = mibPerSecond(BIG_MIB, os, "put " + big + " " + remote + "/big.bin");
            report("upload " + BIG_MIB + " MiB", "MiB/s", vgUp, osUp);
            double vgDown = mibPerSecond(BIG_MIB, vg, "get /inbox/big.bin " + local + "/vg.back");
            double osDown = mibPerSecond(BIG_MIB, os, "get " + remote + "/big.bin " + local + "/os.back");
            report("download " + BIG_MIB + " MiB", "MiB/s", vgDown, osDown);
            Files.delete(local.resolve("vg.back"));
            Files.delete(local.resolve("os.back"));

            Path small = Files.createDirectories(local.resolve("small"));
            for (int i = 0; i < SMALL_FILES; i++) {
                randomFile(small.resolve(String.format("f%04d.bin", i)), 64 * 1024);
            }
            Files.createDirectories(remote.resolve("small"));
            double vgFiles = perSecond(SMALL_FILES, vg, "mkdir /inbox/small", "put " + small + "/* /inbox/small/");
            double osFiles = perSecond(SMALL_FILES, os, "put " + small + "/* " + remote + "/small/");
            report(SMALL_FILES + " files of 64 KiB", "files/s", vgFiles, osFiles);

            List<Path> parts = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                parts.add(randomFile(local.resolve("p" + i + ".bin"), PARALLEL_MIB * 1024L * 1024));
            }
            double vgParallel = parallel(vg, parts, "/inbox/");
            double osParallel = parallel(os, parts, remote + "/");
            report(PARALLEL + " parallel uploads of " + PARALLEL_MIB + " MiB", "MiB/s total", vgParallel, osParallel);
            System.out.printf("BENCH gateway peak heap: %d MiB (max %d MiB)%n", peakHeap() >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    private static double mibPerSecond(long mib, OpenSshSftp sftp, String... commands) throws Exception {
        return mib / seconds(sftp, commands);
    }

    private static double perSecond(long count, OpenSshSftp sftp, String... commands) throws Exception {
        return count / seconds(sftp, commands);
    }

    private static double seconds(OpenSshSftp sftp, String... commands) throws Exception {
        long started = System.nanoTime();
        OpenSshSftp.Result result = sftp.batch(commands);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(result.succeeded()).as(result.output()).isTrue();
        return seconds;
    }

    private static double parallel(OpenSshSftp sftp, List<Path> files, String remoteDir) throws Exception {
        long started = System.nanoTime();
        List<Process> processes = new ArrayList<>();
        for (Path file : files) {
            processes.add(sftp.start(List.of(), "put " + file + " " + remoteDir + file.getFileName()));
        }
        for (Process process : processes) {
            assertThat(process.waitFor(30, TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).isZero();
        }
        return (double) PARALLEL * PARALLEL_MIB / ((System.nanoTime() - started) / 1e9);
    }

    private static void report(String workload, String unit, double gateway, double openSsh) {
        System.out.printf("BENCH %-32s gateway %8.1f %s  openssh %8.1f %s  ratio %.2f%n", workload, gateway, unit,
                openSsh, unit, gateway / openSsh);
    }

    private static Path randomFile(Path file, long size) throws Exception {
        byte[] block = new byte[1024 * 1024];
        new Random(size).nextBytes(block);
        try (var out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
        return file;
    }

    private static void resetPeakHeap() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
