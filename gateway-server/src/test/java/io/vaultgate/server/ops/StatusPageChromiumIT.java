package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real headless Chromium while a real upload streams in over HTTPS: the operator
 * enters the admin token, the page shows the upload with a progress bar, and a screenshot is saved as a
 * build artifact ({@code target/chromium/status-page.png}).
 */
class StatusPageChromiumIT {

    private static final Path SCREENSHOT = Path.of("target", "chromium", "status-page.png");
    private static final String PATH = "/inbox/chromium-upload.bin";

    @TempDir
    Path home;
    @TempDir
    Path browser;

    @Test
    void statusPage_showsAProgressBarForAnUploadInProgress() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            SlowBody body = new SlowBody();
            CompletableFuture<HttpResponse<String>> upload = gateway.https.sendAsync(HttpRequest.newBuilder(
                            gateway.files(PATH)).timeout(Duration.ofMinutes(2))
                    .header("Authorization", "Bearer " + gateway.clientToken)
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            try (ChromiumPage page = ChromiumPage.launch(browser)) {
                awaitInStatusJson(gateway);

                page.navigate("http://127.0.0.1:" + gateway.opsPort() + "/status");
                assertThat(page.await("document.getElementById('login') && !document.getElementById('login').hidden"))
                        .as("the page asks for the token").isTrue();
                page.evaluate("document.getElementById('token').value = '" + gateway.adminToken + "';"
                        + "document.getElementById('login').requestSubmit(); true");
                boolean shown = page.await("[...document.querySelectorAll('#transfers tbody tr.transfer')]"
                        + ".some(row => row.textContent.includes('" + PATH + "') && row.querySelector('progress'))");
                Files.createDirectories(SCREENSHOT.getParent());
                Files.write(SCREENSHOT, page.screenshot());

                assertThat(shown).as("a progress bar for the upload; page: %s; chromium: %s",
                        page.evaluate("document.body.innerText").asText(), page.log()).isTrue();
                assertThat(page.evaluate("document.getElementById('readiness').textContent").asText())
                        .isEqualTo("ready");
                assertThat(page.evaluate("document.querySelector('#transfers progress').title").asText())
                        .contains("received");
                assertThat(page.evaluate("sessionStorage.getItem('vaultgate.ops.token') !== null "
                        + "&& !location.href.includes('" + gateway.adminToken + "') && document.cookie === ''")
                        .asBoolean()).as("the token stays in sessionStorage, out of the URL and cookies").isTrue();
                assertThat(Files.readAllBytes(SCREENSHOT)).startsWith(0x89, 'P', 'N', 'G');
            } finally {
                body.finish();
            }
            HttpResponse<String> done = upload.get(60, TimeUnit.SECONDS);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        }
    }

    private static void awaitInStatusJson(RunningGateway gateway) throws Exception {
        for (int i = 0; i < 600; i++) { // up to a minute: the TLS handshake is slow on a loaded machine
            if (gateway.ops("/status.json").body().contains(PATH)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the upload never appeared in /status.json");
    }

    /** A request body that streams 64 KiB every 50 ms until told to finish: an upload that takes its time. */
    private static final class SlowBody extends InputStream {
        private final AtomicBoolean finished = new AtomicBoolean();

        void finish() {
            finished.set(true);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (finished.get()) {
                return -1;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            int n = Math.min(length, 64 * 1024);
            java.util.Arrays.fill(buffer, offset, offset + n, (byte) 'x');
            return n;
        }
    }
}
