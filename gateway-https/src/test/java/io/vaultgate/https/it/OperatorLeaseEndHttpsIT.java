package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.batch.LeaseCheck;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.https.Http2Limits;
import io.vaultgate.https.testing.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An operator's download in flight over HTTPS stops when the lease ends: maria starts a GET of a file far larger than
 * the socket buffers, reads its first part and stalls; her batch is completed; the rest of the body never comes (the
 * connection closes short of {@code Content-Length}, all HTTP/1.1 can do mid-body), while a file of a batch she still
 * holds downloads whole. Over HTTP/2 (ALPN h2) the body ends short of its length too. The
 * gateway runs on the real clock, so the test waits one lease-check interval.
 */
class OperatorLeaseEndHttpsIT {

    private static final int SIZE = 64 * 1024 * 1024;
    private static final int PART = 256 * 1024;

    @TempDir
    Path dir;

    private TestGateway gateway;
    private HttpClient http;
    private String token;
    private OperatorPrincipal maria;

    private void start(HttpClient.Version version) throws Exception {
        gateway = TestGateway.start(dir, settings -> settings.withHttp2(Http2Limits.ON));
        http = HttpClient.newBuilder().sslContext(gateway.tls().clientContext("TLS")).version(version).build();
        gateway.core().sites().createSite("manila", "Manila processing");
        maria = gateway.core().sites().createOperator("manila", "maria").principal(Protocol.HTTPS);
        token = gateway.core().sites().issueOperatorToken("maria", "test");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void downloadInFlight_isCutOff_onceTheBatchIsCompleted_andAnotherHeldBatchDownloadsWhole(HttpClient.Version version)
            throws Exception {
        start(version);
        String batch = claimedBatch("cut", SIZE);
        String other = claimedBatch("kept", PART * 3);

        HttpResponse<InputStream> response = http.send(get("/" + batch + "/cut/data.bin"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(version);
        assertThat(response.headers().firstValueAsLong("content-length")).hasValue(SIZE);
        long received;
        try (InputStream body = response.body()) {
            assertThat(body.readNBytes(PART)).hasSize(PART);
            gateway.core().batches().complete(maria, batch);
            Thread.sleep(LeaseCheck.DEFAULT_INTERVAL.plusMillis(200).toMillis());
            received = PART + CompletableFuture.supplyAsync(() -> drain(body)).get(60, TimeUnit.SECONDS);
        }

        assertThat(received).as("the body stops short of its Content-Length").isLessThan(SIZE);
        HttpResponse<byte[]> whole = http.send(get("/" + other + "/kept/data.bin"),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).hasSize(PART * 3);
    }

    /** Bytes read until the stream ends or fails (a connection closed mid-body fails it). */
    private static long drain(InputStream body) {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                total += n;
            }
        } catch (IOException expected) {
            // the connection closed before Content-Length bytes arrived
        }
        return total;
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(gateway.uri("/v1/files/" + TestGateway.TENANT + path))
                .header("Authorization", "Bearer " + token).GET().build();
    }

    /** Uploads {@code /inbox/<folder>/data.bin} of {@code size} bytes through the core, alone in a batch maria claims. */
    private String claimedBatch(String folder, int size) {
        String route = gateway.core().sites().addRoute(gateway.principal().tenant(), "manila", RouteMode.PULL,
                PathPolicy.parse("/inbox/" + folder), 1, 0, Duration.ofMinutes(10)).id();
        try (Upload upload = gateway.core().ingest().open(gateway.principal(),
                PathPolicy.parse("/inbox/" + folder + "/data.bin"), UploadMode.CREATE)) {
            byte[] chunk = new byte[1024 * 1024];
            for (int offset = 0; offset < size; offset += chunk.length) {
                upload.write(offset, ByteBuffer.wrap(chunk, 0, Math.min(chunk.length, size - offset)));
            }
            upload.commit();
        }
        List<String> ready = gateway.core().batches().available(maria).stream()
                .filter(b -> b.state() == BatchState.READY && b.routeId().equals(route)).map(b -> b.id()).toList();
        assertThat(ready).hasSize(1);
        return gateway.core().batches().claim(maria, ready.get(0)).id();
    }
}
