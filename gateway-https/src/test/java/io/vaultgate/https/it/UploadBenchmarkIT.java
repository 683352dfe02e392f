package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestFiles;
import io.vaultgate.https.testing.TestGateway;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's upload benchmark, not a timed test: {@code curl -T} of a 1 GiB file, once alone and 8 at a
 * time, against Debian's nginx (WebDAV PUT over TLS) and against the gateway (which also encrypts at rest),
 * in the same run on the same machine; prints both throughputs and the ratio. Opt-in:
 * {@code bench/upload-vs-nginx.sh} or {@code mvn verify -Dit.test=UploadBenchmarkIT -Dvaultgate.bench=true}.
 */
@EnabledIfSystemProperty(named = "vaultgate.bench", matches = "true")
class UploadBenchmarkIT {

    private static final int MEBIBYTES = Integer.getInteger("vaultgate.bench.mib", 1024);
    private static final int PARALLEL = 8;

    @TempDir
    Path dir;

    @Test
    void gatewayVersusNginx() throws Exception {
        Path file = dir.resolve("upload.bin");
        TestFiles.writeRandom(file, MEBIBYTES);
        try (TestGateway gateway = TestGateway.start(dir)) {
            Curl curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));
            String bearer = "Authorization: Bearer " + gateway.token();
            Process nginx = startNginx(gateway);
            try {
                int port = nginxPort;
                IntFunction<String[]> toNginx = i -> new String[] {"-T", file.toString(),
                        "https://127.0.0.1:" + port + "/u" + i + ".bin"};
                IntFunction<String[]> toGateway = i -> new String[] {"-T", file.toString(), "-H", bearer,
                        gateway.url("/v1/files/inbox/u" + i + ".bin")};
                run(curl, 2, toNginx); // warm-up: page cache, TLS session setup, and the gateway's JIT
                run(curl, 2, toGateway);
                double nginxOne = run(curl, 1, toNginx);
                double gatewayOne = run(curl, 1, toGateway);
                double nginxMany = run(curl, PARALLEL, toNginx);
                double gatewayMany = run(curl, PARALLEL, toGateway);
                System.out.printf("UploadBenchmarkIT (%d MiB, %d cores): single nginx %.0f MiB/s, gateway %.0f MiB/s,"
                                + " ratio %.2f; %d parallel nginx %.0f MiB/s, gateway %.0f MiB/s, ratio %.2f%n",
                        MEBIBYTES, Runtime.getRuntime().availableProcessors(), nginxOne, gatewayOne,
                        gatewayOne / nginxOne, PARALLEL, nginxMany, gatewayMany, gatewayMany / nginxMany);
            } finally {
                nginx.destroy();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Runs {@code count} uploads at once; returns the aggregate MiB/s. */
    private double run(Curl curl, int count, IntFunction<String[]> args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            long started = System.nanoTime();
            List<Future<Curl.Result>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String[] arguments = args.apply(i);
                results.add(pool.submit(() -> curl.run(arguments)));
            }
            for (Future<Curl.Result> result : results) {
                assertThat(result.get().status()).as(result.get().stderr()).isIn(200, 201, 204);
            }
            return (double) count * MEBIBYTES / ((System.nanoTime() - started) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private int nginxPort;

    private Process startNginx(TestGateway gateway) throws Exception {
        Path root = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(root.resolve("www"));
        Files.createDirectories(root.resolve("tmp"));
        gateway.tls().writeServerPem(root.resolve("server.pem"), root.resolve("server.key"));
        try (ServerSocket probe = new ServerSocket(0)) {
            nginxPort = probe.getLocalPort();
        }
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Files.writeString(root.resolve("nginx.conf"), user + "worker_processes auto;\ndaemon off;\n"
                + "pid " + root.resolve("nginx.pid") + ";\nerror_log " + root.resolve("error.log") + ";\n"
                + "events {}\nhttp {\n access_log off;\n client_body_temp_path " + root.resolve("tmp") + ";\n"
                + " server {\n  listen 127.0.0.1:" + nginxPort + " ssl;\n"
                + "  ssl_certificate " + root.resolve("server.pem") + ";\n  ssl_certificate_key " + root.resolve("server.key")
                + ";\n  ssl_protocols TLSv1.2 TLSv1.3;\n  client_max_body_size 0;\n  root " + root.resolve("www") + ";\n"
                + "  location / { dav_methods PUT; }\n }\n}\n");
        Process nginx = new ProcessBuilder("nginx", "-p", root.toString(), "-c", root.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("stdout.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", nginxPort)) {
                return nginx;
            } catch (java.io.IOException notYet) {
                Thread.sleep(50);
            }
        }
        nginx.destroy();
        throw new IllegalStateException("nginx did not start: " + Files.readString(root.resolve("stdout.log")));
    }
}
