package io.vaultgate.https.h2;

import io.vaultgate.https.Http2Limits;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestFiles;
import io.vaultgate.https.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 against HTTP/1.1 on the same gateway in the same run, not a timed test: {@code curl -T} of one file
 * (default 256 MiB) with {@code --http1.1} and with {@code --http2}, interleaved for a few rounds after a warm-up of
 * each; prints both throughputs and the ratio. Opt-in:
 * {@code mvn verify -pl gateway-https -Dit.test=Http2UploadBenchmarkIT -Dvaultgate.bench=true [-Dvaultgate.bench.mib=N]},
 * under {@code flock /work/coord/bench.lock} on a shared machine.
 */
@EnabledIfSystemProperty(named = "vaultgate.bench", matches = "true")
class Http2UploadBenchmarkIT {

    private static final int MEBIBYTES = Integer.getInteger("vaultgate.bench.mib", 256);
    private static final int ROUNDS = Integer.getInteger("vaultgate.bench.rounds", 3);

    @TempDir
    Path dir;

    @Test
    void http2VersusHttp11() throws Exception {
        Path file = dir.resolve("upload.bin");
        TestFiles.writeRandom(file, MEBIBYTES);
        try (TestGateway gateway = TestGateway.start(dir, s -> s.withHttp2(Http2Limits.ON))) {
            Curl curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));
            String bearer = "Authorization: Bearer " + gateway.token();
            upload(curl, gateway, bearer, file, "--http1.1", 0); // warm-up
            upload(curl, gateway, bearer, file, "--http2", 0);
            double h1 = 0;
            double h2 = 0;
            for (int round = 1; round <= ROUNDS; round++) {
                h1 += upload(curl, gateway, bearer, file, "--http1.1", round);
                h2 += upload(curl, gateway, bearer, file, "--http2", round);
            }
            System.out.printf("Http2UploadBenchmarkIT (%d MiB x %d rounds, %d cores, load %s): HTTP/1.1 %.0f MiB/s,"
                            + " HTTP/2 %.0f MiB/s, ratio %.2f%n", MEBIBYTES, ROUNDS,
                    Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).trim(),
                    h1 / ROUNDS, h2 / ROUNDS, h2 / h1);
        }
    }

    /** MiB/s of one upload. */
    private static double upload(Curl curl, TestGateway gateway, String bearer, Path file, String version, int round)
            throws Exception {
        long start = System.nanoTime();
        Curl.Result result = curl.run(version, "-T", file.toString(), "-H", bearer,
                gateway.url("/v1/files/inbox/" + version.substring(2) + "-" + round + ".bin"));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (result.status() != 201) {
            throw new AssertionError(version + " upload: " + result.status() + " " + result.stderr());
        }
        return MEBIBYTES / seconds;
    }
}
