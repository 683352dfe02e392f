package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.LoggingSetup;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The logs of a whole run, in the JSON format of {@code logging.format: json} at DEBUG (TRACE for the
 * gateway's own loggers): every line is one JSON object; lines about a transfer name it, its tenant, login
 * and protocol; lines logged while serving an HTTPS request name the connection's session; and nothing
 * secret appears anywhere: not a marker from an uploaded file, not a token or password, not a byte of the
 * key material under the data directory (master secret, TLS, SSH and audit signing keys).
 */
class JsonLogScanTest {

    private static final String MARKER = "FILE-CONTENT-MARKER-4e91d7c2";
    private static final String PASSWORD = "WRONG-PASSWORD-MARKER-77a1";

    @TempDir
    Path home;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    private final Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    private final Logger gateway = context.getLogger("io.vaultgate");
    private Level rootLevel;
    private Level gatewayLevel;

    @BeforeEach
    void captureJsonLogs() {
        rootLevel = root.getLevel();
        gatewayLevel = gateway.getLevel();
        appender.setContext(context);
        appender.setEncoder(LoggingSetup.jsonEncoder(context));
        appender.setOutputStream(captured);
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
        gateway.setLevel(Level.TRACE);
    }

    @AfterEach
    void restore() {
        root.detachAppender(appender);
        appender.stop();
        root.setLevel(rootLevel);
        gateway.setLevel(gatewayLevel);
    }

    @Test
    void aRunsLogs_areJsonLines_withTransferAndSessionContext_andNoSecrets() throws Exception {
        List<String> secrets = new ArrayList<>(List.of(MARKER, PASSWORD));
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            byte[] content = ("line one\n" + MARKER + "\n").repeat(5000).getBytes(StandardCharsets.UTF_8);
            assertThat(gateway.put("/inbox/secret.txt", content)).isEqualTo(201);
            assertThat(gateway.get("/inbox/secret.txt", gateway.clientToken).body()).isEqualTo(content);
            assertThat(gateway.get("/inbox/secret.txt", "wrong-" + gateway.clientToken).statusCode()).isEqualTo(401);
            gateway.app.core().administration().setQuota(TenantId.of(RunningGateway.TENANT), new Quota(content.length, 0));
            assertThat(gateway.put("/inbox/over-quota.txt", content)).isGreaterThanOrEqualTo(400);
            gateway.app.core().administration().setQuota(TenantId.of(RunningGateway.TENANT), new Quota(0, 0));
            gateway.app.core().authenticator().byPassword(RunningGateway.ACCOUNT, PASSWORD.toCharArray(),
                    Protocol.SFTP, "192.0.2.7");
            try (Upload upload = gateway.app.core().ingest().open(gateway.alice(Protocol.SFTP),
                    PathPolicy.parse("/inbox/sftp.txt"), UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap((MARKER + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            gateway.app.core().keyRotation().rotate(TenantId.of(RunningGateway.TENANT), true);
            gateway.ops("/metrics");
            secrets.add(gateway.clientToken);
            secrets.add(gateway.adminToken);
            secrets.addAll(keyMaterial(home));
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : logs.split("\n")) {
            if (!line.isBlank()) {
                lines.add(json.readTree(line));
            }
        }

        assertThat(lines).as("lines logged").hasSizeGreaterThan(10);
        assertThat(lines).allSatisfy(line -> assertThat(line.has("level") && line.has("loggerName")).isTrue());
        List<JsonNode> transfers = lines.stream().filter(l -> l.path("mdc").has("transfer")).toList();
        assertThat(transfers).as("lines about a transfer").isNotEmpty().allSatisfy(line -> {
            assertThat(line.path("mdc").path("tenant").asText()).isEqualTo(RunningGateway.TENANT);
            assertThat(line.path("mdc").path("principal").asText()).isEqualTo(RunningGateway.ACCOUNT);
            assertThat(line.path("mdc").path("protocol").asText()).isIn("https", "sftp");
        });
        assertThat(transfers).as("an HTTPS transfer's lines name the connection's session")
                .anySatisfy(line -> assertThat(line.path("mdc").path("session").asText()).startsWith("https-"));
        for (String secret : secrets) {
            assertThat(logs).as("the logs contain a secret of %d characters starting %s", secret.length(),
                    secret.substring(0, 4)).doesNotContain(secret);
        }
    }

    /**
     * Every private key and secret under the data directory, as the runs of 16 or more base64 or hex
     * characters of its text (PEM bodies, token files) and the base64 and hex of its bytes.
     */
    private static List<String> keyMaterial(Path home) throws Exception {
        List<String> material = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(home)) {
            files = walk.filter(Files::isRegularFile).filter(f -> {
                String name = f.getFileName().toString();
                return f.startsWith(home.resolve("secrets")) || name.endsWith(".key") || name.startsWith("ssh_host")
                        && !name.endsWith(".pub") || name.contains("signing");
            }).filter(f -> !f.getFileName().toString().endsWith(".pub")).toList();
        }
        assertThat(files).as("key files found under the data directory").hasSizeGreaterThanOrEqualTo(3);
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            for (String token : new String(bytes, StandardCharsets.ISO_8859_1).split("[^A-Za-z0-9+/=_-]+")) {
                if (token.length() >= 16) {
                    material.add(token.length() > 40 ? token.substring(0, 40) : token);
                }
            }
            if (bytes.length >= 16 && bytes.length <= 4096) {
                material.add(Base64.getEncoder().encodeToString(bytes).substring(0, 16));
                material.add(HexFormat.of().formatHex(bytes).substring(0, 32));
            }
        }
        return material;
    }
}
