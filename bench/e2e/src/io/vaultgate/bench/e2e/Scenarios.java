package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The SFTP and HTTPS scenarios of issue 11 and the random input files they send. */
final class Scenarios {
    private static final int WARM_ROUNDS = 3;
    private static final int WARM_SMALL = 2000;
    private static final int WARM_SESSIONS = 10;

    private static final long MIB = 1024 * 1024;

    private final Sizes sizes;
    private final SftpClient sftp;
    private final CurlClient curl;
    private final Path big;
    private final Path par8;
    private final Path par32;
    private final Path warm;
    private final List<Path> small;

    private Scenarios(Sizes sizes, Path work, Path big, Path par8, Path par32, Path warm, List<Path> small) {
        this.sizes = sizes;
        this.sftp = new SftpClient(work);
        this.curl = new CurlClient(work);
        this.big = big;
        this.par8 = par8;
        this.par32 = par32;
        this.warm = warm;
        this.small = small;
    }

    static Scenarios prepare(Sizes sizes, Path work) throws IOException {
        Path in = Files.createDirectories(work.resolve("input"));
        SplittableRandom random = new SplittableRandom(11);
        List<Path> small = new ArrayList<>();
        Path smallDir = Files.createDirectories(in.resolve("small"));
        for (int i = 0; i < sizes.smallFiles(); i++) {
            small.add(write(smallDir.resolve(String.format("f%05d.bin", i)), sizes.smallKiB() * 1024L, random));
        }
        return new Scenarios(sizes, work, write(in.resolve("big.bin"), sizes.bigMiB() * MIB, random),
                write(in.resolve("par8.bin"), sizes.par8MiB() * MIB, random),
                write(in.resolve("par32.bin"), sizes.par32MiB() * MIB, random),
                write(in.resolve("warm.bin"), sizes.warmMiB() * MIB, random), small);
    }

    List<Scenario> sftp() {
        return List.of(
                new Scenario("sftp-upload", "SFTP upload " + sizes.bigMiB() + " MiB", "sftp", sizes.bigMiB() * MIB, 1,
                        (s, tag) -> sftp.batch(s.sftp().get(), List.of(put(big, s.sftp().get(), "up-" + tag)))),
                new Scenario("sftp-download", "SFTP download " + sizes.bigMiB() + " MiB", "sftp",
                        sizes.bigMiB() * MIB, 1, (s, tag) -> sftp.batch(s.sftp().get(),
                                List.of("get " + s.sftp().get().dir() + "/up-" + tag + " /dev/null"))),
                new Scenario("sftp-small", "SFTP " + sizes.smallFiles() + " x " + sizes.smallKiB() + " KiB, one session",
                        "sftp", (long) sizes.smallFiles() * sizes.smallKiB() * 1024, sizes.smallFiles(),
                        (s, tag) -> sftp.batch(s.sftp().get(), smallPuts(s.sftp().get(), tag))),
                parallelSftp(8, par8, sizes.par8MiB()),
                parallelSftp(32, par32, sizes.par32MiB()));
    }

    List<Scenario> https() {
        return List.of(
                new Scenario("https-put", "HTTPS PUT " + sizes.bigMiB() + " MiB", "https", sizes.bigMiB() * MIB, 1,
                        (s, tag) -> curl.run(s.https().get(), List.of(CurlClient.Transfer.put(
                                s.https().get().putBase() + "up-" + tag, big)))),
                new Scenario("https-get", "HTTPS GET " + sizes.bigMiB() + " MiB", "https", sizes.bigMiB() * MIB, 1,
                        (s, tag) -> curl.run(s.https().get(), List.of(CurlClient.Transfer.get(
                                s.https().get().getBase() + "up-" + tag)))),
                new Scenario("https-small", "HTTPS " + sizes.smallFiles() + " x " + sizes.smallKiB()
                        + " KiB PUTs, one connection", "https", (long) sizes.smallFiles() * sizes.smallKiB() * 1024,
                        sizes.smallFiles(), (s, tag) -> curl.run(s.https().get(), smallPutRequests(s.https().get(), tag))),
                parallelHttps(8, par8, sizes.par8MiB()),
                parallelHttps(32, par32, sizes.par32MiB()));
    }

    /**
     * The unmeasured warm-up of a server, per protocol: the warm-up file put {@value #WARM_ROUNDS} times and read
     * back, then {@value #WARM_SMALL} puts of the small files (the set over again under new names where it is
     * smaller) in {@value #WARM_SESSIONS} sessions (SFTP) or connections (HTTPS). It fills the page caches and lets
     * the gateway's JIT compile the hot paths: once was too little (the JIT was still compiling the HTTPS path through
     * the first GiB of the measured PUT), and 200 small files were too few on two cores, where the gateway's CPU per
     * small file was still falling from 24 to 15, 9 and 7 ms over four further runs of 700 files each (session 9).
     * After a warm-up in one session, the measured session (the first to follow another) cost about 75
     * deoptimizations; after a warm-up in ten, none (session 20).
     */
    void warmUp(Server server, boolean sftpToo, boolean httpsToo) throws Exception {
        if (sftpToo && server.sftp().isPresent()) {
            Endpoints.Sftp ep = server.sftp().get();
            List<String> commands = new ArrayList<>();
            for (int round = 0; round < WARM_ROUNDS; round++) {
                commands.add(put(warm, ep, "warm"));
            }
            commands.add("get " + ep.dir() + "/warm /dev/null");
            sftp.batch(ep, commands);
            for (int session = 0; session < WARM_SESSIONS; session++) {
                List<String> puts = new ArrayList<>();
                for (int i = session; i < WARM_SMALL; i += WARM_SESSIONS) {
                    puts.add(put(small.get(i % small.size()), ep, "warm-" + i));
                }
                sftp.batch(ep, puts);
            }
        }
        if (httpsToo && server.https().isPresent()) {
            Endpoints.Https ep = server.https().get();
            List<CurlClient.Transfer> transfers = new ArrayList<>();
            for (int round = 0; round < WARM_ROUNDS; round++) {
                transfers.add(CurlClient.Transfer.put(ep.putBase() + "warm-h", warm));
            }
            curl.run(ep, transfers);
            for (int connection = 0; connection < WARM_SESSIONS; connection++) {
                List<CurlClient.Transfer> puts = new ArrayList<>();
                for (int i = connection; i < WARM_SMALL; i += WARM_SESSIONS) {
                    puts.add(CurlClient.Transfer.put(ep.putBase() + "warm-h" + i, small.get(i % small.size())));
                }
                curl.run(ep, puts);
            }
            curl.run(ep, List.of(CurlClient.Transfer.get(ep.getBase() + "warm-h")));
        }
    }

    private Scenario parallelSftp(int clients, Path file, int mib) {
        return new Scenario("sftp-parallel-" + clients, "SFTP " + clients + " parallel uploads x " + mib + " MiB",
                "sftp", clients * mib * MIB, clients, (s, tag) -> parallel(clients, i -> sftp.batch(s.sftp().get(), i,
                        List.of(put(file, s.sftp().get(), "p" + clients + "-" + tag + "-" + i)))));
    }

    private Scenario parallelHttps(int clients, Path file, int mib) {
        return new Scenario("https-parallel-" + clients, "HTTPS " + clients + " parallel PUTs x " + mib + " MiB",
                "https", clients * mib * MIB, clients, (s, tag) -> parallel(clients, i -> curl.run(s.https().get(),
                        List.of(CurlClient.Transfer.put(s.https().get().putBase() + "p" + clients + "-" + tag + "-" + i,
                                file)))));
    }

    private List<String> smallPuts(Endpoints.Sftp ep, String tag) {
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < small.size(); i++) {
            commands.add(put(small.get(i), ep, "s-" + tag + "-" + i));
        }
        return commands;
    }

    private List<CurlClient.Transfer> smallPutRequests(Endpoints.Https ep, String tag) {
        List<CurlClient.Transfer> transfers = new ArrayList<>();
        for (int i = 0; i < small.size(); i++) {
            transfers.add(CurlClient.Transfer.put(ep.putBase() + "s-" + tag + "-" + i, small.get(i)));
        }
        return transfers;
    }

    private static String put(Path local, Endpoints.Sftp ep, String name) {
        return "put " + local + " " + ep.dir() + "/" + name;
    }

    @FunctionalInterface
    private interface Client {
        List<Double> run(int index) throws Exception;
    }

    /** Starts all clients at once; returns each one's time. */
    private static List<Double> parallel(int clients, Client client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Double>>> running = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int index = i;
                running.add(pool.submit(() -> client.run(index)));
            }
            List<Double> seconds = new ArrayList<>();
            for (Future<List<Double>> one : running) {
                seconds.addAll(one.get());
            }
            return seconds;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Path write(Path file, long bytes, SplittableRandom random) throws IOException {
        byte[] chunk = new byte[(int) Math.min(bytes, MIB)];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                for (int i = 0; i < chunk.length; i += 8) {
                    long v = random.nextLong();
                    for (int b = 0; b < 8 && i + b < chunk.length; b++) {
                        chunk[i + b] = (byte) (v >>> (8 * b));
                    }
                }
                out.write(chunk, 0, (int) Math.min(left, chunk.length));
            }
        }
        return file;
    }
}
