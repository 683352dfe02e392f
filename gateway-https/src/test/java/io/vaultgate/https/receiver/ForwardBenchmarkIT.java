package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.forward.ForwardProtocol;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Forwarder;
import io.vaultgate.core.pki.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in throughput check ({@code -Dvaultgate.bench=true}, size with {@code -Dvaultgate.bench.mib}, default
 * 256): the forwarder (decrypting the stored file and sending it over mTLS with the JDK client) against
 * {@code curl} doing the same {@code PUT} of the plaintext with the same client certificate to the same
 * receiver, in the same run, in interleaved rounds ({@code -Dvaultgate.bench.rounds}, default 3). Prints the
 * best and median ratios; the target is >= 0.9.
 */
class ForwardBenchmarkIT {

    @TempDir
    Path home;

    @Test
    void forwarderVersusCurl() throws Exception {
        assumeTrue(Boolean.getBoolean("vaultgate.bench"), "set -Dvaultgate.bench=true to run the benchmark");
        int mib = Integer.getInteger("vaultgate.bench.mib", 256);
        try (ReceiverFixture fixture = new ReceiverFixture(home); Forwarder forwarder = fixture.forwarder("bench")) {
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

            for (int i = 0; i < 3; i++) { // warm-up: JIT, page cache, TLS session set-up on both sides
                forward(fixture, forwarder, List.of(fixture.randomBytes(32 << 20)));
                curl(fixture, pem, List.of(small), "warm" + i);
            }

            int rounds = Integer.getInteger("vaultgate.bench.rounds", 3);
            List<Double> forwardBig = new ArrayList<>();
            List<Double> curlBig = new ArrayList<>();
            List<Double> forwardMany = new ArrayList<>();
            List<Double> curlMany = new ArrayList<>();
            for (int round = 0; round < rounds; round++) { // interleaved, so load changes hit both sides alike
                FileRecord file = uploadFile(fixture, big);
                long start = System.nanoTime();
                forwarder.runDue();
                forwardBig.add(seconds(start));
                assertThat(fixture.job(file).state()).as(fixture.job(file).toString()).isEqualTo(ForwardState.DELIVERED);
                curlBig.add(curl(fixture, pem, List.of(big), "big" + round));

                List<byte[]> hundred = new ArrayList<>();
                List<Path> files = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    hundred.add(fixture.randomBytes(1 << 20));
                    files.add(Files.write(home.resolve("m" + i + ".bin"), hundred.get(i)));
                }
                forwardMany.add(forward(fixture, forwarder, hundred));
                curlMany.add(curl(fixture, pem, files, "many" + round));
            }
            System.out.printf("ForwardBenchmarkIT (%d cores, best of %d interleaved rounds; medians in brackets):%n"
                            + "  %d MiB:      forwarder %.0f MiB/s, curl %.0f MiB/s, ratio %.2f [%.0f, %.0f, %.2f]%n"
                            + "  100 x 1 MiB: forwarder %.0f MiB/s, curl %.0f MiB/s, ratio %.2f [%.0f, %.0f, %.2f]%n",
                    Runtime.getRuntime().availableProcessors(), rounds,
                    mib, mib / best(forwardBig), mib / best(curlBig), best(curlBig) / best(forwardBig),
                    mib / median(forwardBig), mib / median(curlBig), median(curlBig) / median(forwardBig),
                    100 / best(forwardMany), 100 / best(curlMany), best(curlMany) / best(forwardMany),
                    100 / median(forwardMany), 100 / median(curlMany), median(curlMany) / median(forwardMany));
        }
    }

    private static double forward(ReceiverFixture fixture, Forwarder forwarder, List<byte[]> contents) {
        List<FileRecord> files = new ArrayList<>();
        for (byte[] content : contents) {
            files.add(fixture.uploadAndQueue("/inbox/bench-" + System.nanoTime() + ".bin", content));
        }
        long start = System.nanoTime();
        forwarder.runDue();
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

    /** One curl process PUTting every file in turn over one connection; returns its wall time. */
    private static double curl(ReceiverFixture fixture, Path pem, List<Path> files, String tag) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail"));
        for (int i = 0; i < files.size(); i++) {
            if (i > 0) {
                command.add("--next");
            }
            String key = "curl_" + tag + "_" + i;
            command.addAll(List.of("--cert", pem.resolve("client.pem").toString(), "--key",
                    fixture.clientKey.toString(), "--cacert", pem.resolve("site-ca.pem").toString(),
                    "-H", "Idempotency-Key: " + key,
                    "-H", "Repr-Digest: " + ForwardProtocol.reprDigest(RawPut.sha256(Files.readAllBytes(files.get(i)))),
                    "-H", "Vaultgate-Tenant: acme", "-H", "Vaultgate-Path: /inbox/" + key + ".bin",
                    "-T", files.get(i).toString(), "-o", "/dev/null", fixture.endpoint() + "/files/" + key));
        }
        long start = System.nanoTime();
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes());
        assertThat(curl.waitFor(10, TimeUnit.MINUTES)).isTrue();
        double elapsed = seconds(start);
        assertThat(curl.exitValue()).as(output).isZero();
        return elapsed;
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
