package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bench/run}: starts OpenSSH's sshd, nginx and the gateway (on each JDK) on loopback, runs every
 * scenario against each of them in turn, so that ratios compare servers under the same machine load, then the
 * crypto JMH suite and the forwarding benchmark, and writes the table as Markdown and JSON.
 */
public final class BenchRun {
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final Options options;
    private final Path work;
    private final Report report;
    /** Every server started, stopped at the end or, on Ctrl-C / SIGTERM, by a shutdown hook. */
    private final List<Server> servers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private BenchRun(Options options, Path work, Report report) {
        this.options = options;
        this.work = work;
        this.report = report;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Files.createDirectories(options.out());
        Path work = Files.createTempDirectory("vaultgate-bench-");
        String mode = options.quick() ? "quick" : "full";
        List<Jdk> jdks = new ArrayList<>();
        for (Path home : options.jdks()) {
            jdks.add(Jdk.of(home));
        }
        Report report = new Report("bench/run (" + mode + "), " + Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Machine.describe(jdks, options));
        BenchRun bench = new BenchRun(options, work, report);
        Thread stopServers = new Thread(bench::stopServers, "bench-stop-servers");
        Runtime.getRuntime().addShutdownHook(stopServers);
        try {
            bench.run(jdks);
        } finally {
            bench.stopServers();
            try {
                Runtime.getRuntime().removeShutdownHook(stopServers);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
            if (!options.keep()) {
                deleteTree(work);
            }
        }
        Path md = options.out().resolve("bench-" + mode + ".md");
        Path json = options.out().resolve("bench-" + mode + ".json");
        report.write(md, json);
        System.out.println();
        System.out.println(report.table());
        System.out.println("Written: " + md + " and " + json + (options.keep() ? "; work files in " + work : ""));
    }

    private void run(List<Jdk> jdks) throws Exception {
        Sizes sizes = options.quick() ? Sizes.quick() : Sizes.full();
        boolean sftp = options.suites().contains("sftp");
        boolean https = options.suites().contains("https");
        if (sftp || https) {
            Scenarios scenarios = Scenarios.prepare(sizes, work);
            try {
                if (sftp) {
                    servers.add(OpenSshBaseline.start(work, clientKey()));
                }
                if (https) {
                    servers.add(NginxBaseline.start(work));
                }
                for (Jdk jdk : jdks) {
                    servers.add(GatewayLauncher.start(options.repo(), work, jdk, options.heap(),
                            options.gatewaySettings(), options.gatewaySftpOptions(), options.gatewayJvmOptions()));
                }
                for (Server server : servers) {
                    System.out.println("warm-up: " + server.label());
                    scenarios.warmUp(server, sftp, https);
                }
                List<Scenario> list = new ArrayList<>();
                if (sftp) {
                    list.addAll(scenarios.sftp());
                }
                if (https) {
                    list.addAll(scenarios.https());
                }
                for (Scenario scenario : list) {
                    runScenario(scenario, servers);
                }
            } finally {
                stopServers();
            }
        }
        if (options.suites().contains("crypto")) {
            Path jar = options.repo().resolve("bench/jmh/target/benchmarks.jar");
            List<CryptoSuite.Row> rows = CryptoSuite.run(jar, jdks, options.quick(), work);
            report.section("crypto", CryptoSuite.markdown(rows), CryptoSuite.json(rows));
        }
        if (options.suites().contains("forwarding")) {
            ForwardingSuite.run(options.repo(), options.quick(), options.out())
                    .ifPresentOrElse(o -> report.section("forwarding", o.markdown(), o.json()),
                            () -> System.out.println("forwarding: bench/forwarding/run is not there; skipped"));
        }
    }

    private void stopServers() {
        for (Server server : servers) {
            server.close();
        }
        servers.clear();
    }

    /**
     * Runs the scenario against every server, {@code --rounds} times over (baseline, then each gateway, then the
     * baseline again...), so each round's ratio compares servers under about the same load. Reports, per server,
     * the round with the median ratio (the baseline's median round by its own figure) and every round's ratio.
     */
    private void runScenario(Scenario scenario, List<Server> servers) throws Exception {
        Map<Server, List<Result>> rounds = new LinkedHashMap<>();
        for (int round = 1; round <= options.rounds(); round++) {
            Double baseline = null;
            for (Server server : servers) {
                boolean serves = scenario.protocol().equals("sftp") ? server.sftp().isPresent()
                        : server.https().isPresent();
                if (!serves) {
                    continue;
                }
                Result result = measureOrFail(scenario, server);
                if (result.error() == null && !server.isGateway()) {
                    baseline = result.merit();
                    result = result.withRatio(1.0);
                    removeBaselineFiles(server);
                } else if (result.error() == null) {
                    result = result.withRatio(baseline == null ? Double.NaN : result.merit() / baseline);
                }
                rounds.computeIfAbsent(server, s -> new ArrayList<>()).add(result);
                if (result.error() == null) {
                    System.out.printf("%-45s %-22s %8.1f MiB/s %8.1f files/s  ratio %.2f  (load %.1f%s)%n",
                            scenario.title(), result.server(), result.mibPerSecond(), result.filesPerSecond(),
                            result.ratio(), result.load(), options.rounds() > 1 ? ", round " + round : "");
                }
            }
        }
        rounds.forEach((server, results) -> report.add(median(results, server.isGateway())));
    }

    /** The round with the median ratio (gateways) or figure of merit (baseline), carrying every round's ratio. */
    static Result median(List<Result> rounds, boolean gateway) {
        List<Result> measured = rounds.stream().filter(r -> r.error() == null).toList();
        if (measured.isEmpty()) {
            return rounds.get(rounds.size() - 1);
        }
        List<Result> sorted = measured.stream()
                .sorted(Comparator.comparingDouble(r -> gateway ? sortable(r.ratio()) : r.merit())).toList();
        Result middle = sorted.get((sorted.size() - 1) / 2);
        List<Double> ratios = measured.stream().map(Result::ratio).toList();
        return middle.withRounds(middle.ratio(), ratios);
    }

    private static double sortable(double ratio) {
        return Double.isNaN(ratio) ? Double.NEGATIVE_INFINITY : ratio;
    }

    private Result measureOrFail(Scenario scenario, Server server) {
        try {
            return measure(scenario, server);
        } catch (Exception e) {
            String message = String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage())
                    .lines().findFirst().orElse("");
            System.out.println(scenario.title() + " against " + server.label() + " FAILED: " + message);
            return Result.failed(scenario, server.label(), server.jdk(), Machine.loadAverage(), message);
        }
    }

    private Result measure(Scenario scenario, Server server) throws Exception {
        double load = Machine.loadAverage();
        long gcOffset = server.gcLog().map(GcLog::size).orElse(0L);
        String tag = server.isGateway() ? "gw" + server.jdk() : server.name();
        ResourceSampler sampler = ResourceSampler.start(server.pid());
        long started = System.nanoTime();
        List<Double> times;
        try {
            times = scenario.workload().run(server, tag);
        } finally {
            sampler.close();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        ResourceSampler.Usage usage = sampler.stop();
        GcLog.Heap heap = server.gcLog().isPresent() ? GcLog.since(server.gcLog().get(), gcOffset)
                : new GcLog.Heap(-1, -1);
        List<Double> sorted = times.stream().sorted().toList();
        return new Result(scenario, server.label(), server.jdk(), seconds,
                scenario.bytes() / (1024.0 * 1024) / seconds, scenario.files() / seconds,
                percentile(sorted, 0.50) * 1000, percentile(sorted, 0.99) * 1000, usage.peakRssBytes() / (1024.0 * 1024),
                heap.peakMiB(), heap.liveMiB(), usage.cpuSeconds() / (scenario.bytes() / GIB),
                usage.gcCpuSeconds() / (scenario.bytes() / GIB), 1.0, List.of(1.0), load,
                null);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** Baselines keep only the large upload (the download scenario reads it back); disk stays bounded. */
    private void removeBaselineFiles(Server server) throws IOException {
        Path dir = server.sftp().isPresent() ? Path.of(server.sftp().get().dir()) : work.resolve("nginx/www");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.getFileName().toString().startsWith("up-")) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private Path clientKey() throws IOException, InterruptedException {
        Path key = work.resolve("client_ed25519");
        Commands.run(work, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        return key;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
