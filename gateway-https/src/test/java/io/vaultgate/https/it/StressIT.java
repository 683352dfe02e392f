package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestFiles;
import io.vaultgate.https.testing.TestGateway;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's memory test: 50 concurrent 200 MiB uploads (10 GiB) through the real core in a JVM with
 * {@code -Xmx256m}. Opt-in because it writes 10 GiB: {@code mvn verify -Dit.test=StressIT -Dvaultgate.stress=true}.
 */
@EnabledIfSystemProperty(named = "vaultgate.stress", matches = "true")
class StressIT {

    private static final int UPLOADS = 50;
    private static final int MEBIBYTES = 200;

    @TempDir
    Path dir;

    @Test
    void fiftyConcurrent200MiBUploads_completeInA256MiBHeap() throws Exception {
        Path file = dir.resolve("200m.bin");
        String sha = TestFiles.writeRandom(file, MEBIBYTES);
        try (TestGateway gateway = TestGateway.start(dir, s -> s.withClientLimits(java.time.Duration.ofSeconds(30), 100))) {
            Curl curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));
            String bearer = "Authorization: Bearer " + gateway.token();
            ExecutorService pool = Executors.newFixedThreadPool(UPLOADS);
            long started = System.nanoTime();
            try {
                List<Future<Curl.Result>> results = new ArrayList<>();
                for (int i = 0; i < UPLOADS; i++) {
                    String url = gateway.url("/v1/files/inbox/s" + i + ".bin");
                    results.add(pool.submit(() -> curl.run("--max-time", "1200", "-T", file.toString(), "-H", bearer, url)));
                }
                for (Future<Curl.Result> result : results) {
                    assertThat(result.get().status()).as(result.get().stderr()).isEqualTo(201);
                    assertThat(result.get().body()).contains(sha);
                }
            } finally {
                pool.shutdownNow();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("StressIT: %d x %d MiB in %.1f s (%.0f MiB/s), max heap %d MiB, peak heap used %d MiB%n",
                    UPLOADS, MEBIBYTES, seconds, UPLOADS * MEBIBYTES / seconds,
                    Runtime.getRuntime().maxMemory() >> 20, peakHeapUsed() >> 20);
        }
    }

    private static long peakHeapUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
