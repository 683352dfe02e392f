package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestFiles;
import io.vaultgate.https.testing.TestGateway;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large and concurrent transfers in a JVM limited to 256 MiB of heap (see the failsafe configuration):
 * a server that buffered bodies would run out of memory here. Also: a dropped upload leaves nothing.
 */
class LargeTransferIT {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private TestGateway gateway;
    private Curl curl;
    private String bearer;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Curl.available(), "curl is not installed");
        gateway = TestGateway.start(dir);
        curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));
        bearer = "Authorization: Bearer " + gateway.token();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void upload300MiB_streams_andDownloadsBackIdentical() throws Exception {
        Path file = dir.resolve("big.bin");
        String sha = TestFiles.writeRandom(file, 300);

        Curl.Result put = curl.run("-T", file.toString(), "-H", bearer, gateway.url("/v1/files/inbox/big.bin"));
        assertThat(put.status()).as(put.stderr()).isEqualTo(201);
        assertThat(put.body()).contains("\"sha256\":\"" + sha + "\"").contains("\"size\":" + 300L * MIB);

        Curl.Result get = curl.run("-H", bearer, gateway.url("/v1/files/inbox/big.bin"));
        assertThat(get.status()).isEqualTo(200);
        assertThat(TestFiles.sha256(get.bodyFile())).isEqualTo(sha);
    }

    @Test
    void eightConcurrentUploads_allCommit() throws Exception {
        Path file = dir.resolve("c.bin");
        String sha = TestFiles.writeRandom(file, 32);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Curl.Result>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String url = gateway.url("/v1/files/inbox/c" + i + ".bin");
                results.add(pool.submit(() -> curl.run("-T", file.toString(), "-H", bearer, url)));
            }
            for (Future<Curl.Result> result : results) {
                assertThat(result.get().status()).isEqualTo(201);
                assertThat(result.get().body()).contains(sha);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void connectionDroppedMidBody_leavesNothing() throws Exception {
        try (SSLSocket socket = (SSLSocket) gateway.tls().clientContext("TLS").getSocketFactory()
                .createSocket("127.0.0.1", gateway.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /v1/files/inbox/dropped.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n" + bearer + "\r\n"
                    + "Content-Length: " + 10 * MIB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[MIB]);
            out.flush();
        }

        long deadline = System.nanoTime() + 10_000_000_000L;
        boolean gone = false;
        while (!gone && System.nanoTime() < deadline) {
            gone = gateway.core().files().list(gateway.principal(), PathPolicy.parse("/inbox")).stream()
                    .noneMatch(e -> e.name().equals("dropped.bin"));
            Thread.sleep(100);
        }
        assertThat(gone).isTrue();
        assertThat(curl.run("-H", bearer, gateway.url("/v1/files/inbox/dropped.bin")).status()).isEqualTo(404);
    }
}
