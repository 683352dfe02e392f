package io.vaultgate.server.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus server (Debian {@code prometheus}) scraping one ops listener every second, on a free
 * loopback port with its own storage directory, with the alert rules of {@code deploy/prometheus} loaded.
 * Closing stops it by its PID.
 */
final class PrometheusServer implements AutoCloseable {

    static final Path RULES = Path.of("..", "deploy", "prometheus", "vaultgate-rules.yml").toAbsolutePath().normalize();

    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private PrometheusServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts Prometheus in {@code dir} scraping {@code 127.0.0.1:opsPort} with the token in {@code tokenFile}. */
    static PrometheusServer start(Path dir, int opsPort, Path tokenFile) throws IOException, InterruptedException {
        Path binary = ExternalTool.require("prometheus", "prometheus");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "rule_files:",
                "  - '" + RULES + "'",
                "scrape_configs:",
                "  - job_name: vaultgate",
                "    scrape_interval: 1s",
                "    scrape_timeout: 1s",
                "    authorization:",
                "      type: Bearer",
                "      credentials_file: '" + tokenFile.toAbsolutePath() + "'",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + opsPort + "']",
                ""));
        int port = ExternalTool.freePort();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(List.of(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("data")),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, log, port);
        try {
            server.awaitReady();
            return server;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("prometheus not ready within 60 s:\n" + Files.readString(log));
    }

    /** The {@code data.result} of an instant query. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = json.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("query " + promql + " failed: " + response.body());
        }
        return body.path("data").path("result");
    }

    /** The single value of an instant query's only series, or NaN while it has none. */
    double value(String promql) throws IOException, InterruptedException {
        JsonNode result = query(promql);
        if (result.size() != 1) {
            return Double.NaN;
        }
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    /** Polls {@code promql} until it equals {@code expected} (at most 45 s) and returns the last value seen. */
    double awaitValue(String promql, double expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        double last = value(promql);
        while (last != expected && System.nanoTime() < deadline) {
            Thread.sleep(250);
            last = value(promql);
        }
        return last;
    }

    /** The body of {@code GET /api/v1/...}. */
    JsonNode api(String path) throws IOException, InterruptedException {
        return json.readTree(get("/api/v1/" + path).body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            ExternalTool.stop(process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
