package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.CatalogAuditLog;
import io.vaultgate.core.audit.CheckpointPolicy;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.forward.AuditedForwardEvents;
import io.vaultgate.core.forward.ForwardEvents;
import io.vaultgate.core.forward.ForwardProtocol;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Forwarder;
import io.vaultgate.core.forward.SiteForwarding;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.core.testing.NginxDavSite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in throughput benchmark ({@code -Dvaultgate.bench=true}; {@code bench/forwarding/run} runs it): the
 * forwarder (decrypting the stored file and sending it over mTLS with its HTTP/1.1 client) against {@code curl}
 * doing the same {@code PUT} of the plaintext with the same client certificate, to the reference receiver
 * and to nginx (WebDAV, when installed), in the same run, in interleaved rounds. One large file
 * ({@code -Dvaultgate.bench.mib}, default 256) and 100 x 1 MiB; {@code -Dvaultgate.bench.rounds} (default 3).
 * Prints a Markdown table of the best round (medians beside it) and, with {@code -Dvaultgate.bench.json=FILE},
 * writes the same as JSON there and the table beside it ({@code .md}). The target is a ratio >= 0.9.
 * With {@code -Dvaultgate.bench.audit=true} every delivery is also written to a real audit log, as in the
 * gateway ({@code AuditedForwardEvents} over {@code CatalogAuditLog}: a synced catalog transaction per file).
 * {@code -Dvaultgate.bench.sites=receiver} leaves nginx out. Beside the times it reports the CPU seconds of each
 * timed run (median of the rounds): the forwarder's threads against the curl process, and the receiver's threads;
 * and the whole JVM's (every thread: forwarder, receiver, read-ahead, object writer, GC, JIT), so a run's total CPU
 * is the JVM's for the forwarder against the JVM's plus curl's for curl (review25b L5: the thread columns alone leave
 * out the forwarder's GC, JIT and read-ahead).
 */
class ForwardBenchmarkIT {

    /** One measured case: MiB/s of the best round of each side, and the ratios of the best and median rounds. */
    record Result(String target, String workload, double forwarderMibs, double curlMibs, double ratio,
                  double medianRatio, Cpu forwarderCpu, Cpu curlCpu) {
    }

    /**
     * CPU seconds of one timed run (median over the rounds): the sender's (the forwarder's threads and the thread
     * running it, or the curl process) and the site receiver's threads in this JVM (0 for nginx, another process),
     * and the whole JVM's, every thread of it ({@code jvm}: the forwarder's and the receiver's threads, the
     * read-ahead, the receiver's object writer, GC and JIT; curl is another process and not in it).
     */
    record Cpu(double sender, double site, double jvm) {
        Cpu minus(Cpu before) {
            return new Cpu(sender - before.sender, site - before.site, jvm - before.jvm);
        }

        /** All the CPU of the run on this machine's side of the benchmark: the JVM's, and curl's for a curl run. */
        double total(boolean curl) {
            return curl ? jvm + sender : jvm;
        }
    }

    @TempDir
    Path home;

    @Test
    void forwarderVersusCurl() throws Exception {
        assumeTrue(Boolean.getBoolean("vaultgate.bench"), "set -Dvaultgate.bench=true to run the benchmark");
        int mib = Integer.getInteger("vaultgate.bench.mib", 256);
        int rounds = Integer.getInteger("vaultgate.bench.rounds", 3);
        List<Result> results = new ArrayList<>();
        double loadBefore = loadAverage();
        boolean audited = Boolean.getBoolean("vaultgate.bench.audit");
        try (ReceiverFixture fixture = new ReceiverFixture(home)) {
            ForwardEvents events = audited ? new AuditedForwardEvents(new CatalogAuditLog(fixture.database,
                    AuditKeys.loadOrCreate(home.resolve("audit-signing.key"), fixture.random),
                    CheckpointPolicy.defaults(), fixture.random, fixture.clock), fixture.database, fixture.clock)
                    : ForwardEvents.NONE;
            try (Forwarder forwarder = fixture.forwarder("bench", events);
                 Forwarder pooled = fixture.forwarder("bench-pool", events)) {
                run(fixture, forwarder, pooled, mib, rounds, results);
            }
        }
        String conditions = String.format(java.util.Locale.ROOT, "JDK %s, %d cores, %s1-minute load average %.1f "
                + "before and %.1f after", Runtime.version(), Runtime.getRuntime().availableProcessors(),
                audited ? "deliveries audited, " : "", loadBefore,
                loadAverage());
        String table = table(results, rounds, conditions);
        System.out.print(table);
        String json = System.getProperty("vaultgate.bench.json", "");
        if (!json.isEmpty()) {
            Files.writeString(Path.of(json.replaceAll("\\.json$", "") + ".md"), table);
            Files.writeString(Path.of(json), json(results, mib, rounds, loadBefore, loadAverage()));
        }
    }

    private void run(ReceiverFixture fixture, Forwarder forwarder, Forwarder pooled, int mib, int rounds,
                     List<Result> results) throws Exception {
        fixture.startReceiver();
        Path pem = Files.createDirectories(home.resolve("curl"));
        Pem.writeCertificates(pem.resolve("client.pem"), fixture.clientCertificate.chain());
        Pem.writeCertificates(pem.resolve("site-ca.pem"), List.of(fixture.siteCa.certificate()));
        byte[] one = fixture.randomBytes(1 << 20);
        Path big = home.resolve("big.bin");
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < mib; i++) {
                out.write(one);
            }
        }
        Path small = Files.write(home.resolve("small.bin"), one);
        results.addAll(measure("receiver", fixture, forwarder, pooled, pem, big, small, mib, rounds,
                fixture.endpoint()));
        if (NginxDavSite.installed() && !"receiver".equals(System.getProperty("vaultgate.bench.sites"))) {
            try (NginxDavSite nginx = NginxDavSite.start(Files.createDirectories(home.resolve("nginx")),
                    fixture.receiverCertificate, List.of(fixture.gatewayCa.certificate()))) {
                fixture.admin.configureSite(new SiteForwarding(ReceiverFixture.SITE, nginx.endpoint(),
                        List.of(fixture.siteCa.certificate()), fixture.clientCertificate.chain(),
                        fixture.clientKey, Optional.empty(), 4, false));
                results.addAll(measure("nginx", fixture, forwarder, pooled, pem, big, small, mib, rounds,
                        nginx.endpoint()));
            }
        }
    }

    private List<Result> measure(String target, ReceiverFixture fixture, Forwarder forwarder, Forwarder pooled,
                                 Path pem, Path big, Path small, int mib, int rounds, java.net.URI endpoint)
            throws Exception {
        for (int i = 0; i < 3; i++) { // warm-up: JIT, page cache, TLS session set-up on both sides
            forward(fixture, forwarder, List.of(fixture.randomBytes(32 << 20)));
            curl(fixture, pem, List.of(small), target + "warm" + i, endpoint, false, new Cpu[1]);
        }
        List<byte[]> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(fixture.randomBytes(1 << 20));
        }
        forwardPooled(fixture, pooled, eight); // the pool's connections
        List<Double> pooledMany = new ArrayList<>();
        List<Double> curlParallelMany = new ArrayList<>();
        List<Double> forwardBig = new ArrayList<>();
        List<Double> curlBig = new ArrayList<>();
        List<Double> forwardMany = new ArrayList<>();
        List<Double> curlMany = new ArrayList<>();
        List<Cpu> forwardBigCpu = new ArrayList<>();
        List<Cpu> curlBigCpu = new ArrayList<>();
        List<Cpu> forwardManyCpu = new ArrayList<>();
        List<Cpu> curlManyCpu = new ArrayList<>();
        Cpu none = new Cpu(Double.NaN, Double.NaN, Double.NaN);
        for (int round = 0; round < rounds; round++) { // interleaved, so load changes hit both sides alike
            FileRecord file = uploadFile(fixture, big);
            deleteReceived();
            Cpu cpuBefore = forwarderCpu();
            long start = System.nanoTime();
            forwarder.runDue();
            forwardBig.add(seconds(start));
            forwardBigCpu.add(forwarderCpu().minus(cpuBefore));
            assertThat(fixture.job(file).state()).as(fixture.job(file).toString()).isEqualTo(ForwardState.DELIVERED);
            Cpu[] curlCpu = new Cpu[1];
            deleteReceived();
            curlBig.add(curl(fixture, pem, List.of(big), target + "big" + round, endpoint, false, curlCpu));
            curlBigCpu.add(curlCpu[0]);

            List<byte[]> hundred = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                hundred.add(fixture.randomBytes(1 << 20));
                files.add(Files.write(home.resolve("m" + i + ".bin"), hundred.get(i)));
            }
            Cpu[] manyCpu = new Cpu[1];
            deleteReceived();
            forwardMany.add(forward(fixture, forwarder, hundred, manyCpu));
            forwardManyCpu.add(manyCpu[0]);
            deleteReceived();
            curlMany.add(curl(fixture, pem, files, target + "many" + round, endpoint, false, curlCpu));
            curlManyCpu.add(curlCpu[0]);
            deleteReceived();
            pooledMany.add(forwardPooled(fixture, pooled, hundred));
            deleteReceived();
            curlParallelMany.add(curl(fixture, pem, files, target + "parallel" + round, endpoint, true,
                    new Cpu[1]));
        }
        return List.of(
                new Result(target, mib + " MiB", mib / best(forwardBig), mib / best(curlBig),
                        best(curlBig) / best(forwardBig), median(curlBig) / median(forwardBig),
                        medianCpu(forwardBigCpu), medianCpu(curlBigCpu)),
                new Result(target, "100 x 1 MiB", 100 / best(forwardMany), 100 / best(curlMany),
                        best(curlMany) / best(forwardMany), median(curlMany) / median(forwardMany),
                        medianCpu(forwardManyCpu), medianCpu(curlManyCpu)),
                new Result(target, "100 x 1 MiB, 4 connections", 100 / best(pooledMany), 100 / best(curlParallelMany),
                        best(curlParallelMany) / best(pooledMany), median(curlParallelMany) / median(pooledMany),
                        none, none));
    }

    private static String table(List<Result> results, int rounds, String conditions) {
        StringBuilder out = new StringBuilder(String.format("Forwarding over mTLS vs curl (%s; best of %d "
                + "interleaved rounds; CPU: median of the rounds, seconds of the sender's threads or process and of "
                + "the receiver's threads, sender / site; total CPU s: the whole JVM's (forwarder, receiver, GC, JIT, "
                + "read-ahead, writer) for the forwarder, the JVM's plus curl's for curl)%n%n| site | workload | "
                + "forwarder MiB/s | curl MiB/s | ratio (best) | ratio (median) | forwarder CPU s | curl CPU s | "
                + "total CPU s, forwarder / curl |%n|---|---|---|---|---|---|---|---|---|%n", conditions, rounds));
        for (Result r : results) {
            out.append(String.format(java.util.Locale.ROOT, "| %s | %s | %.0f | %.0f | %.2f | %.2f | %s | %s | %s |%n",
                    r.target(), r.workload(), r.forwarderMibs(), r.curlMibs(), r.ratio(), r.medianRatio(),
                    cpu(r.forwarderCpu()), cpu(r.curlCpu()), totals(r)));
        }
        return out.toString();
    }

    private static String json(List<Result> results, int mib, int rounds, double loadBefore, double loadAfter) {
        StringBuilder out = new StringBuilder("{\"benchmark\": \"forwarding\", \"jdk\": \"" + Runtime.version()
                + "\", \"cores\": " + Runtime.getRuntime().availableProcessors() + ", \"load_average_before\": "
                + String.format(java.util.Locale.ROOT, "%.2f", loadBefore) + ", \"load_average_after\": "
                + String.format(java.util.Locale.ROOT, "%.2f", loadAfter) + ", \"large_mib\": " + mib
                + ", \"rounds\": " + rounds + ", \"audited\": " + Boolean.getBoolean("vaultgate.bench.audit")
                + ", \"target_ratio\": 0.9, \"results\": [");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            out.append(i == 0 ? "\n  " : ",\n  ").append(String.format(java.util.Locale.ROOT,
                    "{\"site\": \"%s\", \"workload\": \"%s\", \"forwarder_mib_s\": %.1f, \"curl_mib_s\": %.1f, "
                            + "\"ratio_best\": %.3f, \"ratio_median\": %.3f, \"forwarder_cpu_s\": %s, \"curl_cpu_s\": %s, "
                            + "\"site_cpu_s_forwarder\": %s, \"site_cpu_s_curl\": %s, \"jvm_cpu_s_forwarder\": %s, "
                            + "\"jvm_cpu_s_curl\": %s, \"total_cpu_s_forwarder\": %s, \"total_cpu_s_curl\": %s}",
                    r.target(), r.workload(),
                    r.forwarderMibs(), r.curlMibs(), r.ratio(), r.medianRatio(), number(r.forwarderCpu().sender()),
                    number(r.curlCpu().sender()), number(r.forwarderCpu().site()), number(r.curlCpu().site()),
                    number(r.forwarderCpu().jvm()), number(r.curlCpu().jvm()), number(r.forwarderCpu().total(false)),
                    number(r.curlCpu().total(true))));
        }
        return out.append("\n]}\n").toString();
    }

    private static double forward(ReceiverFixture fixture, Forwarder forwarder, List<byte[]> contents) {
        return forward(fixture, forwarder, contents, new Cpu[1]);
    }

    /** Like {@link #forward(ReceiverFixture, Forwarder, List)}, the CPU of the run put into {@code cpu[0]}. */
    private static double forward(ReceiverFixture fixture, Forwarder forwarder, List<byte[]> contents, Cpu[] cpu) {
        List<FileRecord> files = new ArrayList<>();
        for (byte[] content : contents) {
            files.add(fixture.uploadAndQueue("/inbox/bench-" + System.nanoTime() + ".bin", content));
        }
        Cpu before = forwarderCpu();
        long start = System.nanoTime();
        forwarder.runDue();
        double elapsed = seconds(start);
        cpu[0] = forwarderCpu().minus(before);
        files.forEach(file -> assertThat(fixture.job(file).state()).as(fixture.job(file).toString())
                .isEqualTo(ForwardState.DELIVERED));
        return elapsed;
    }

    /**
     * The gateway's own path: the forwarder's pool (4 workers, the site's max-concurrency 4, each worker
     * draining the site on its kept-alive connection) from one dispatch until every file is delivered.
     */
    private static double forwardPooled(ReceiverFixture fixture, Forwarder pooled, List<byte[]> contents)
            throws InterruptedException {
        List<FileRecord> files = new ArrayList<>();
        for (byte[] content : contents) {
            files.add(fixture.uploadAndQueue("/inbox/pool-" + System.nanoTime() + ".bin", content));
        }
        long target = fixture.outbox.count(ForwardState.DELIVERED) + files.size();
        long start = System.nanoTime();
        pooled.dispatch();
        while (fixture.outbox.count(ForwardState.DELIVERED) < target) {
            assertThat(seconds(start)).as("the pool delivers 100 files within 10 minutes").isLessThan(600);
            Thread.sleep(2);
        }
        double elapsed = seconds(start);
        files.forEach(file -> assertThat(fixture.job(file).state()).as(fixture.job(file).toString())
                .isEqualTo(ForwardState.DELIVERED));
        return elapsed;
    }

    private static FileRecord uploadFile(ReceiverFixture fixture, Path file) throws Exception {
        var upload = fixture.test.core().ingest().open(fixture.client,
                io.vaultgate.core.path.PathPolicy.parse("/inbox/big.bin"), io.vaultgate.core.ingest.UploadMode.CREATE);
        byte[] buffer = new byte[1 << 20];
        long offset = 0;
        try (var in = Files.newInputStream(file)) {
            for (int n = in.readNBytes(buffer, 0, buffer.length); n > 0; n = in.readNBytes(buffer, 0, buffer.length)) {
                upload.write(offset, java.nio.ByteBuffer.wrap(buffer, 0, n));
                offset += n;
            }
        }
        String id = upload.commit().fileId();
        FileRecord record = fixture.database.read(jdbc -> new io.vaultgate.core.catalog.FileRepository()
                .find(jdbc, id)).orElseThrow();
        fixture.database.inTransaction(jdbc -> fixture.outbox.enqueue(jdbc, record, ReceiverFixture.SITE,
                fixture.clock.instant()));
        return record;
    }

    /**
     * One curl process PUTting every file in turn over one connection, or with {@code parallel} up to 4 at a
     * time over up to 4 connections ({@code --parallel --parallel-max 4}); returns its wall time, and the CPU from
     * curl's start to its end in {@code cpu[0]} (not the digests of the files computed here before).
     */
    private static double curl(ReceiverFixture fixture, Path pem, List<Path> files, String tag, java.net.URI endpoint,
                               boolean parallel, Cpu[] cpu) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail"));
        if (parallel) {
            command.addAll(List.of("--parallel", "--parallel-max", "4"));
        }
        for (int i = 0; i < files.size(); i++) {
            if (i > 0) {
                command.add("--next");
            }
            String key = "curl_" + tag + "_" + i;
            command.addAll(List.of("--cert", pem.resolve("client.pem").toString(), "--key",
                    fixture.clientKey.toString(), "--cacert", pem.resolve("site-ca.pem").toString(),
                    "-H", "Idempotency-Key: " + key,
                    "-H", "Repr-Digest: " + ForwardProtocol.reprDigest(RawPut.sha256(Files.readAllBytes(files.get(i)))),
                    "-H", "Vaultgate-Tenant: acme", "-H", "Vaultgate-Account: bench",
                    "-H", "Vaultgate-Path: /inbox/" + key + ".bin",
                    "-T", files.get(i).toString(), "-o", "/dev/null", endpoint + "/files/" + key));
        }
        Cpu before = curlCpu();
        long start = System.nanoTime();
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes());
        assertThat(curl.waitFor(10, TimeUnit.MINUTES)).isTrue();
        double elapsed = seconds(start);
        cpu[0] = curlCpu().minus(before);
        assertThat(curl.exitValue()).as(output).isZero();
        return elapsed;
    }

    /**
     * CPU seconds so far of the forwarder (its threads, {@code vaultgate-forward-*}, and this thread, which runs
     * {@code runDue}) and of the receiver's threads ({@code vaultgate-receiver*}). A thread that ended is no longer
     * counted, so take both readings while the forwarder's pools are alive (their idle threads live 60 s).
     */
    private static Cpu forwarderCpu() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long sender = threads.getCurrentThreadCpuTime();
        long site = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            long nanos = Math.max(0, threads.getThreadCpuTime(thread.getId()));
            if (thread.getName().startsWith("vaultgate-forward")) {
                sender += nanos;
            } else if (thread.getName().startsWith("vaultgate-receiver")) {
                site += nanos;
            }
        }
        return new Cpu(sender / 1e9, site / 1e9, processCpu());
    }

    /** CPU seconds so far of this whole JVM, every thread (NaN where the platform does not tell). */
    private static double processCpu() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? Double.NaN : nanos / 1e9;
        }
        return Double.NaN;
    }

    /**
     * CPU seconds so far of this JVM's reaped child processes (curl; Linux {@code /proc/self/stat} cutime and cstime,
     * in clock ticks of 10 ms) and of the receiver's threads; the sender's is NaN where {@code /proc} is missing.
     */
    private static Cpu curlCpu() {
        double children = Double.NaN;
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            children = (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0; // fields 16 and 17
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        Cpu threads = forwarderCpu();
        return new Cpu(children, threads.site(), threads.jvm());
    }

    private static Cpu medianCpu(List<Cpu> cpus) {
        return new Cpu(median(cpus.stream().map(Cpu::sender).toList()), median(cpus.stream().map(Cpu::site).toList()),
                median(cpus.stream().map(Cpu::jvm).toList()));
    }

    private static String cpu(Cpu cpu) {
        return Double.isNaN(cpu.sender()) ? "" : String.format(java.util.Locale.ROOT, "%.2f / %.2f", cpu.sender(),
                cpu.site());
    }

    private static String totals(Result r) {
        double forwarder = r.forwarderCpu().total(false);
        double curl = r.curlCpu().total(true);
        return Double.isNaN(forwarder) || Double.isNaN(curl) ? "" : String.format(java.util.Locale.ROOT,
                "%.2f / %.2f", forwarder, curl);
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "null" : String.format(java.util.Locale.ROOT, "%.3f", value);
    }

    /** The 1-minute load average of the machine (the benchmark's neighbours), or -1 where unknown. */
    /**
     * Deletes the files the receiver and nginx have received (not the receiver's idempotency markers under {@code
     * .vaultgate}), before each timed run, so that every run writes into page-cache pages just freed, as the other
     * side's run did. Kept, they pile up: writing into fresh pages cost the receiver 2.8 to 11.5 CPU s per GiB
     * whoever sent (fwdperf, session 26), which decided the large file's ratio more than the sender did.
     */
    private void deleteReceived() throws IOException {
        for (Path dir : List.of(home.resolve("drop"), home.resolve("nginx").resolve("www"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)
                        .filter(path -> !dir.relativize(path).startsWith(".vaultgate"))::iterator) {
                    Files.delete(path);
                }
            }
        }
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double best(List<Double> times) {
        return times.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double median(List<Double> times) {
        List<Double> sorted = times.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
