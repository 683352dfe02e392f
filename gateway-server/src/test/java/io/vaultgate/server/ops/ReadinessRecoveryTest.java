package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.metrics.CoreHealth;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running gateway goes not-ready (503 on {@code /health/ready}, {@code vaultgate_ready} 0) when its catalog
 * file is made unreadable or its object store unwritable, says which (and, to the administrator, why), and is
 * ready again once the permissions are restored, without a restart (within the store probe's interval). Works as
 * root too (the checks read the mode).
 */
class ReadinessRecoveryTest {

    /**
     * One client for every poll: a client per poll leaves its connection open until the ops listener's idle timeout
     * (5 s), and ten polls a second would hold more than its 16 per address.
     */
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @Test
    void unreadableCatalogFile_makesTheGatewayNotReady_untilItsModeIsRestored() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            Path catalog = gateway.app.dataDirectory().config().catalogFile();
            assertThat(ready(gateway).statusCode()).isEqualTo(200);

            Files.setPosixFilePermissions(catalog, PosixFilePermissions.fromString("---------"));
            HttpResponse<String> down = notReady(gateway);
            String metrics = gateway.ops("/metrics").body();
            String status = gateway.ops("/status.json").body();
            Files.setPosixFilePermissions(catalog, PosixFilePermissions.fromString("rw-------"));
            HttpResponse<String> back = readyAgain(gateway);

            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("{\"name\":\"catalog-file\",\"up\":false}")
                    .doesNotContain("is not readable and writable", catalog.toString());
            assertThat(status).as("the reason, for the administrator").contains("is not readable and writable");
            assertThat(metrics).contains("vaultgate_ready{check=\"catalog-file\"} 0.0");
            assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        }
    }

    @Test
    void unwritableStore_makesTheGatewayNotReady_untilItsModeIsRestored() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            Path store = gateway.app.dataDirectory().config().storageRoot();
            assertThat(ready(gateway).statusCode()).isEqualTo(200);

            Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("r-xr-xr-x"));
            HttpResponse<String> down = notReady(gateway);
            String metrics = gateway.ops("/metrics").body();
            String status = gateway.ops("/status.json").body();
            Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwx------"));
            HttpResponse<String> back = readyAgain(gateway);

            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("{\"name\":\"store-directory\",\"up\":false}")
                    .doesNotContain("is not writable", store.toString());
            assertThat(status).as("the reason, for the administrator").contains("is not writable");
            assertThat(metrics).contains("vaultgate_ready{check=\"store-directory\"} 0.0");
            assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
            assertThat(gateway.put("/inbox/after-recovery.bin", new byte[10])).isEqualTo(201);
        }
    }

    /**
     * The first answer other than 200 within twice the readiness answer's cache period: an anonymous
     * {@code /health/ready} is answered from the last run of the checks for {@link HealthHandler#READY_CACHE}.
     */
    private static HttpResponse<String> notReady(RunningGateway gateway) throws Exception {
        long deadline = System.nanoTime() + 2 * HealthHandler.READY_CACHE.toNanos();
        HttpResponse<String> response = ready(gateway);
        while (response.statusCode() == 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            response = ready(gateway);
        }
        return response;
    }

    /**
     * The first 200 within twice the store probe's interval: a failed write probe (as a user other than root, the
     * store's mode stops it too) is served until the interval has passed.
     */
    private static HttpResponse<String> readyAgain(RunningGateway gateway) throws Exception {
        long deadline = System.nanoTime() + 2 * CoreHealth.STORE_PROBE_INTERVAL.toNanos();
        HttpResponse<String> response = ready(gateway);
        while (response.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            response = ready(gateway);
        }
        return response;
    }

    private static HttpResponse<String> ready(RunningGateway gateway) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.opsPort() + "/health/ready")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
