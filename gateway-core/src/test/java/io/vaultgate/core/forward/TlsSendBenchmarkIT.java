package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a test (skipped unless {@code -Dvaultgate.bench=true}; {@code bench/forwarding/run --tls-cpu}
 * runs it): the CPU the forwarding thread spends per MiB sent over one kept-alive mutual-TLS connection, with
 * BoringSSL and with the JDK's TLS, in interleaved rounds in one JVM. The body comes from memory (its read
 * runs on the read-ahead thread, not measured), so the figure is the TLS encryption, the socket writes and
 * {@link Http1Put}'s own work: what the choice of TLS changes, measured by thread CPU time, which other load
 * on the machine disturbs far less than it disturbs throughput.
 */
class TlsSendBenchmarkIT {

    @TempDir
    Path home;

    @Test
    void cpuPerMibSent_boringSslAgainstTheJdk() throws Exception {
        assumeTrue(Boolean.getBoolean("vaultgate.bench"), "a benchmark: -Dvaultgate.bench=true");
        int mib = Integer.getInteger("vaultgate.bench.tls.mib", 256);
        int rounds = Integer.getInteger("vaultgate.bench.rounds", 5);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isCurrentThreadCpuTimeSupported(), "thread CPU time is not measurable here");
        byte[] pattern = new byte[1 << 20];
        new java.util.Random(1).nextBytes(pattern);
        ExecutorService readers = Executors.newCachedThreadPool();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Map<SiteTlsProvider, List<double[]>> samples = new EnumMap<>(SiteTlsProvider.class);
        try (ForwardFixture fixture = new ForwardFixture(home, new RetryPolicy(3, Duration.ofSeconds(10),
                Duration.ofMinutes(5)));
             SiteStub site = fixture.stub()) {
            Map<SiteTlsProvider, SiteConnections> connections = new EnumMap<>(SiteTlsProvider.class);
            for (SiteTlsProvider provider : SiteTlsProvider.values()) {
                SiteForwarding settings = new SiteForwarding(ForwardFixture.SITE, site.endpoint(),
                        List.of(fixture.siteCa.certificate()), fixture.clientCertificate.chain(), fixture.clientKey,
                        Optional.empty(), 1, true);
                connections.put(provider, new SiteConnections(settings,
                        SiteTls.connector(settings, fixture.random, provider), Duration.ofSeconds(10), timer));
                samples.put(provider, new ArrayList<>());
                for (int i = 0; i < 3; i++) { // warm-up: JIT, the kept-alive connection
                    send(connections.get(provider), timer, readers, pattern, 32);
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (SiteTlsProvider provider : round % 2 == 0 ? List.of(SiteTlsProvider.values())
                        : List.of(SiteTlsProvider.JDK, SiteTlsProvider.OPENSSL)) {
                    long cpu = threads.getCurrentThreadCpuTime();
                    long wall = System.nanoTime();
                    send(connections.get(provider), timer, readers, pattern, mib);
                    samples.get(provider).add(new double[] {
                        (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / mib, (System.nanoTime() - wall) / 1e6 / mib});
                }
            }
            connections.values().forEach(SiteConnections::close);
            assertThat(site.received()).allSatisfy(r -> assertThat(r.sha256()).isNotEmpty());
        } finally {
            readers.shutdownNow();
            timer.shutdownNow();
        }
        report(samples, mib, rounds);
    }

    private static void send(SiteConnections connections, ScheduledExecutorService timer, ExecutorService readers,
                             byte[] pattern, int mib) throws Exception {
        long size = (long) mib << 20;
        Map<String, String> head = new LinkedHashMap<>();
        head.put(ForwardProtocol.IDEMPOTENCY_KEY, "f_bench");
        SiteAnswer answer = new Http1Put(timer).send(connections, "/site/files/f_bench", head,
                PreparedBody.prepare(new BodySource() {
                    @Override
                    public long size() {
                        return size;
                    }

                    @Override
                    public int read(long position, ByteBuffer dst) {
                        if (position >= size) {
                            return -1;
                        }
                        int offset = (int) (position & (pattern.length - 1));
                        int n = (int) Math.min(Math.min(dst.remaining(), pattern.length - offset), size - position);
                        dst.put(pattern, offset, n);
                        return n;
                    }
                }, readers), System.nanoTime() + Duration.ofMinutes(5).toNanos());
        assertThat(answer.status()).isEqualTo(201);
    }

    private static void report(Map<SiteTlsProvider, List<double[]>> samples, int mib, int rounds) throws Exception {
        double jdkCpu = median(samples.get(SiteTlsProvider.JDK), 0);
        double sslCpu = median(samples.get(SiteTlsProvider.OPENSSL), 0);
        double jdkWall = median(samples.get(SiteTlsProvider.JDK), 1);
        double sslWall = median(samples.get(SiteTlsProvider.OPENSSL), 1);
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        String table = String.format(Locale.ROOT, "Forwarding thread CPU per MiB sent over mTLS (JDK %s, %d cores, "
                        + "load %s; median of %d rounds of %d MiB)%n%n| TLS | CPU ms/MiB | wall ms/MiB |%n|---|---|---|%n"
                        + "| JDK (JSSE) | %.3f | %.3f |%n| BoringSSL | %.3f | %.3f |%n| JDK / BoringSSL | %.2f | %.2f |%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), load, rounds, mib, jdkCpu, jdkWall,
                sslCpu, sslWall, jdkCpu / sslCpu, jdkWall / sslWall);
        System.out.println(table);
        String json = System.getProperty("vaultgate.bench.json", "");
        if (!json.isEmpty()) {
            Files.writeString(Path.of(json), String.format(Locale.ROOT, "{\"benchmark\": \"forwarding-tls-cpu\", "
                            + "\"jdk\": \"%s\", \"load_average\": %s, \"mib\": %d, \"rounds\": %d, \"jdk_cpu_ms_per_mib\": "
                            + "%.4f, \"boringssl_cpu_ms_per_mib\": %.4f, \"jdk_wall_ms_per_mib\": %.4f, "
                            + "\"boringssl_wall_ms_per_mib\": %.4f}%n", Runtime.version(), load, mib, rounds, jdkCpu,
                    sslCpu, jdkWall, sslWall));
            Files.writeString(Path.of(json.replaceAll("\\.json$", "") + ".md"), table);
        }
    }

    private static double median(List<double[]> values, int column) {
        double[] sorted = values.stream().mapToDouble(v -> v[column]).sorted().toArray();
        return sorted[sorted.length / 2];
    }
}
