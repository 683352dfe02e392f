package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.CurlGateway;
import io.vaultgate.https.testing.TestFiles;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large and concurrent transfers in a JVM limited to 256 MiB of heap (see the failsafe configuration):
 * a server that buffered bodies would run out of memory here. Also: a dropped upload leaves nothing.
 */
class LargeTransferIT {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @RegisterExtension
    final CurlGateway http = new CurlGateway();


    @Test
    void upload300MiB_streams_andDownloadsBackIdentical() throws Exception {
        Path file = dir.resolve("big.bin");
        String sha = TestFiles.writeRandom(file, 300);

        Curl.Result put = http.curl().run("-T", file.toString(), "-H", http.bearer(), http.url("/v1/files/inbox/big.bin"));
        assertThat(put.status()).as(put.stderr()).isEqualTo(201);
        assertThat(put.body()).contains("\"sha256\":\"" + sha + "\"").contains("\"size\":" + 300L * MIB);

        Curl.Result get = http.curl().run("-H", http.bearer(), http.url("/v1/files/inbox/big.bin"));
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
                String url = http.url("/v1/files/inbox/c" + i + ".bin");
                results.add(pool.submit(() -> http.curl().run("-T", file.toString(), "-H", http.bearer(), url)));
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
        try (SSLSocket socket = (SSLSocket) http.gateway().tls().clientContext("TLS").getSocketFactory()
                .createSocket("127.0.0.1", http.gateway().port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /v1/files/inbox/dropped.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n" + http.bearer() + "\r\n"
                    + "Content-Length: " + 10 * MIB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[MIB]);
            out.flush();
        }

        long deadline = System.nanoTime() + 10_000_000_000L;
        boolean gone = false;
        while (!gone && System.nanoTime() < deadline) {
            gone = http.gateway().core().files().list(http.gateway().principal(), PathPolicy.parse("/inbox")).stream()
                    .noneMatch(e -> e.name().equals("dropped.bin"));
            Thread.sleep(100);
        }
        assertThat(gone).isTrue();
        assertThat(http.curl().run("-H", http.bearer(), http.url("/v1/files/inbox/dropped.bin")).status()).isEqualTo(404);
    }
}
