package io.vaultgate.server.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.metrics.FailedTransfer;
import io.vaultgate.core.metrics.TransferSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads {@code /status.json} from an ops listener with a monitor's or an administrator's token, for
 * {@code vaultgate status}.
 * Over HTTPS it trusts only the given CA certificate (the gateway's own), never the JDK's default store.
 */
public final class StatusClient {

    /** The ops listener could not be read: unreachable, token refused, or an unexpected answer. */
    public static final class StatusUnavailableException extends Exception {
        public StatusUnavailableException(String message) {
            super(message);
        }
    }

    private final HttpClient http;
    private final URI status;
    private final String token;
    private final ObjectMapper json = new ObjectMapper();

    private StatusClient(HttpClient http, URI status, String token) {
        this.http = http;
        this.status = status;
        this.token = token;
    }

    /**
     * @param base          the ops listener, e.g. {@code http://127.0.0.1:9090}
     * @param caCertificate the CA to trust when {@code base} is {@code https}
     */
    public static StatusClient of(URI base, String token, Optional<Path> caCertificate)
            throws IOException, GeneralSecurityException {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1);
        if ("https".equals(base.getScheme()) && caCertificate.isPresent()) {
            builder.sslContext(trusting(caCertificate.get()));
        }
        return new StatusClient(builder.build(), base.resolve("/status.json"), token);
    }

    public StatusReport fetch() throws StatusUnavailableException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StatusUnavailableException("cannot reach the ops listener at " + status + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "; is the gateway running, and is ops.enabled true?");
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new StatusUnavailableException("the ops listener refused the token (" + response.statusCode()
                    + "); give a monitor's or an administrator's token with --token-file");
        }
        if (response.statusCode() == 429) {
            throw new StatusUnavailableException("the ops listener refuses tokens from this address for now (429, "
                    + "too many refused tokens); try again in " + response.headers().firstValue("Retry-After")
                    .orElse("60") + " s with a monitor's or an administrator's token");
        }
        if (response.statusCode() != 200) {
            throw new StatusUnavailableException(status + " answered " + response.statusCode());
        }
        try {
            return parse(json.readTree(response.body()));
        } catch (IOException | RuntimeException e) {
            throw new StatusUnavailableException(status + " did not return a status report: " + e.getMessage());
        }
    }

    static StatusReport parse(JsonNode body) {
        List<TransferSnapshot> transfers = new ArrayList<>();
        body.path("transfers").forEach(t -> transfers.add(transfer(t)));
        List<FailedTransfer> failures = new ArrayList<>();
        body.path("recentFailures").forEach(f -> failures.add(new FailedTransfer(transfer(f.path("transfer")),
                Instant.parse(f.path("failedAt").asText()))));
        List<SiteQueue> sites = new ArrayList<>();
        body.path("forwarding").forEach(q -> sites.add(new SiteQueue(q.path("site").asText(),
                q.path("pending").asLong(), q.path("inFlight").asLong(), q.path("dead").asLong(),
                q.path("oldestSeconds").asDouble())));
        Map<String, Integer> connections = new TreeMap<>();
        body.path("connections").fields().forEachRemaining(e -> connections.put(e.getKey(), e.getValue().asInt()));
        List<String> alerts = new ArrayList<>();
        body.path("alerts").forEach(a -> alerts.add(a.asText()));
        List<CheckResult> checks = new ArrayList<>();
        for (JsonNode c : body.path("checks")) {
            checks.add(new CheckResult(c.path("name").asText(), c.path("up").asBoolean(), c.path("detail").asText()));
        }
        return new StatusReport(body.path("version").asText(), Instant.parse(body.path("now").asText()),
                Instant.parse(body.path("startedAt").asText()), body.path("activeUploads").asInt(), connections,
                transfers, sites, failures, alerts, checks, OpsRole.of(body.path("view").asText()));
    }

    private static TransferSnapshot transfer(JsonNode t) {
        return new TransferSnapshot(t.path("transferId").asText(), t.path("tenant").asText(),
                t.path("principal").asText(), t.path("protocol").asText(), t.path("direction").asText(),
                t.path("path").asText(), Instant.parse(t.path("startedAt").asText()), t.path("offset").asLong(),
                t.path("bytes").asLong(), t.path("size").asLong(-1));
    }

    /** A TLS context trusting only the CA certificate in {@code caCertificate} (PEM): a gateway's own CA. */
    static SSLContext trusting(Path caCertificate) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caCertificate)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
