package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Nothing secret leaks into the logs or onto the ops listener: a marker inside an uploaded file, the admin
 * token, a client token and a mistyped password are absent from every log line (at TRACE), from
 * {@code /metrics} and from {@code /status.json}.
 */
class LogSecrecyTest {

    private static final String FILE_MARKER = "CONTENT-MARKER-7f3a9c-do-not-log";
    private static final String PASSWORD = "PASSWORD-MARKER-51be02";

    @TempDir
    Path home;
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private Level level;
    private OpsFixture ops;

    @BeforeEach
    void setUp() throws Exception {
        level = root.getLevel();
        root.setLevel(Level.TRACE);
        captured.start();
        root.addAppender(captured);
        ops = new OpsFixture(home);
    }

    @AfterEach
    void tearDown() {
        ops.close();
        root.detachAppender(captured);
        root.setLevel(level);
    }

    @Test
    void fileContentsTokensAndPasswords_neverReachTheLogsOrTheOpsEndpoints() throws Exception {
        ClientPrincipal alice = ops.test.client("acme", "alice", Protocol.SFTP);
        String clientToken = ops.test.core().administration().issueAccountToken("alice", "ci");
        byte[] content = ("header\n" + FILE_MARKER + "\n").getBytes(StandardCharsets.UTF_8);
        try (Upload upload = ops.test.core().ingest().open(alice, PathPolicy.parse("/inbox/secret.txt"),
                UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(content));
            upload.commit();
        }
        try (FileContent file = ops.test.core().files().open(alice, PathPolicy.parse("/inbox/secret.txt"))) {
            file.read(0, ByteBuffer.allocate(content.length));
        }
        ops.test.core().administration().setPasswordLogin(alice.tenant(), true);
        ops.test.core().administration().setPassword("alice", "the-right-one-1234".toCharArray());
        ops.test.core().authenticator().byPassword("alice", PASSWORD.toCharArray(), Protocol.SFTP, "192.0.2.1");
        ops.test.core().authenticator().byPassword("mallory", PASSWORD.toCharArray(), Protocol.SFTP, "192.0.2.1");
        ops.test.core().authenticator().byToken(clientToken, Protocol.HTTPS, "192.0.2.1");
        ops.send(ops.request("/metrics").header("Authorization", "Bearer " + clientToken));
        String metrics = ops.getAsAdmin("/metrics").body();
        String status = ops.getAsAdmin("/status.json").body();

        String logs = captured.list.stream()
                .map(e -> e.getFormattedMessage() + " " + e.getMDCPropertyMap()
                        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .collect(Collectors.joining("\n"));
        for (String secret : new String[] {FILE_MARKER, PASSWORD, ops.adminToken, clientToken}) {
            assertThat(logs).as("logs").doesNotContain(secret);
            assertThat(metrics).as("/metrics").doesNotContain(secret);
            assertThat(status).as("/status.json").doesNotContain(secret);
        }
        assertThat(captured.list).as("the capture works").isNotEmpty();
    }
}
