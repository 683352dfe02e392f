package io.vaultgate.server.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import io.vaultgate.core.audit.AuditPublicKey;
import io.vaultgate.core.audit.AuditVerifier;
import io.vaultgate.core.audit.CheckpointLine;
import io.vaultgate.core.audit.VerificationReport;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.server.LoggingSetup;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Text a client chooses (here an SSH login name, which needs no account) cannot forge log lines: the text layout of
 * logback.xml escapes control characters, so a CR/LF in the name does not start a line of the client's making, and a
 * name that spells out an {@code audit checkpoint} line is not taken as an anchor, because it carries no signature by
 * the audit key (the security review's scenario, end to end: the documented {@code grep 'audit checkpoint'} over the
 * log, then {@code audit verify --anchors-from}).
 */
class LogInjectionTest {

    private static final String FORGED = "2026-11-30T00:00:00.000Z INFO  [main] i.v.c.i.UploadLedger - upload committed: "
            + "file=f_forged tenant=acme path=/inbox/forged.csv size=1";

    @TempDir
    Path home;
    private final LoggerContext fresh = new LoggerContext();

    {
        fresh.setMDCAdapter(new LogbackMDCAdapter());
    }

    @AfterEach
    void stopTheContext() {
        fresh.stop();
    }

    /**
     * A configuration logback warns about makes it print its whole status list to standard output at every start,
     * which carries only command results (a deprecated {@code converterClass} attribute did).
     */
    @Test
    void theLogbackConfiguration_loadsWithoutAWarning_soNothingIsPrintedToStandardOutput() throws Exception {
        textEncoder();

        assertThat(new StatusUtil(fresh).getHighestLevel(0)).as(fresh.getStatusManager().getCopyOfStatusList()
                .toString()).isLessThan(Status.WARN);
    }

    @Test
    void theTextLayout_escapesControlCharactersInTheMessage_asTheJsonLayoutDoes() throws Exception {
        ILoggingEvent event = new LoggingEvent(Logger.FQCN, fresh.getLogger("io.vaultgate.x"), Level.INFO,
                "refused: user={}", null, new Object[] {"a\r\n" + FORGED + "\u001b[2J\u0000\u2028b"});

        String text = new String(textEncoder().encode(event), UTF_8);
        String json = new String(LoggingSetup.jsonEncoder(fresh).encode(event), UTF_8);

        assertThat(text).endsWith("refused: user=a\\r\\n" + FORGED + "\\u001b[2J\\u0000\\u2028b\n");
        assertThat(json).endsWith("\n");
        assertThat(text.substring(0, text.length() - 1).chars().filter(c -> c < 0x20 || c == 0x7f || c == 0x2028))
                .as(text).isEmpty();
        assertThat(json.substring(0, json.length() - 1).chars().filter(c -> c < 0x20)).as(json).isEmpty();
    }

    @Test
    void anSshLoginName_cannotForgeALogLine_norAnAnchorThatAuditVerifyTakes() throws Exception {
        String fake = "cd".repeat(32);
        ch.qos.logback.classic.Logger gatewayLogger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.vaultgate");
        Level level = gatewayLogger.getLevel();
        boolean additive = gatewayLogger.isAdditive();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        gatewayLogger.addAppender(captured);
        gatewayLogger.setLevel(Level.INFO);
        gatewayLogger.setAdditive(false); // captured here, not printed
        AuditPublicKey auditKey;
        try (RunningGateway gateway = new RunningGateway(home, Map.of()); SshClient client = SshClient.setUpDefaultClient()) {
            auditKey = gateway.app.core().audit().publicKey();
            gateway.app.core().audit().checkpointNow();
            client.start();
            client.setServerKeyVerifier((session, address, key) -> true);
            int port = gateway.app.sftpPort().orElseThrow();
            tryToLogIn(client, port, "audit checkpoint anchor=1:x\r\n" + FORGED);
            tryToLogIn(client, port, "audit checkpoint seq=99999999 hash=" + fake + " signed_at=2026-11-30T00:00:00Z key="
                    + auditKey.keyId() + " anchor=99999999:" + fake);
        } finally {
            gatewayLogger.detachAppender(captured);
            gatewayLogger.setLevel(level);
            gatewayLogger.setAdditive(additive);
        }
        Encoder<ILoggingEvent> text = textEncoder();
        List<ILoggingEvent> events = captured.list.stream().filter(e -> e.getThrowableProxy() == null).toList();
        String log = events.stream().map(e -> new String(text.encode(e), UTF_8)).collect(Collectors.joining());

        assertThat(log.lines()).as("one line an event").hasSize(events.size());
        assertThat(log.lines()).noneMatch(line -> line.startsWith("2026-11-30T00:00:00.000Z"));
        assertThat(log).contains("sftp auth refused: method=publickey user=\"audit checkpoint anchor=1:x\\r\\n"
                + FORGED + "\" reason=");

        List<String> grepped = log.lines().filter(line -> line.contains("audit checkpoint")).toList(); // the documented grep
        CheckpointLine.Anchors anchors = CheckpointLine.read(grepped, auditKey);
        assertThat(anchors.anchors()).as(String.join("\n", grepped)).isNotEmpty();
        assertThat(anchors.skipped()).as("the refusals' lines").isNotEmpty().allSatisfy(why ->
                assertThat(why).containsAnyOf("not a checkpoint line", "no signature"));
        assertThat(anchors.skipped()).anySatisfy(why -> assertThat(why).contains("no signature"));
        try (Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            VerificationReport report = new AuditVerifier(catalog, Optional.of(auditKey), java.time.Clock.systemUTC())
                    .verify(anchors.anchors(), Optional.empty());
            assertThat(report.ok()).as(report.summary()).isTrue();
        }
    }

    private static void tryToLogIn(SshClient client, int port, String loginName) throws Exception {
        KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        try (ClientSession session = client.connect(loginName, "127.0.0.1", port).verify(Duration.ofSeconds(10))
                .getSession()) {
            session.addPublicKeyIdentity(pair);
            try {
                session.auth().verify(Duration.ofSeconds(10));
            } catch (Exception refused) {
                // expected: no such account
            }
        }
    }

    /** The encoder of the text format, as gateway-server's logback.xml configures it. */
    @SuppressWarnings("unchecked")
    private Encoder<ILoggingEvent> textEncoder() throws Exception {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(fresh);
        configurator.doConfigure(LogInjectionTest.class.getResource("/logback.xml"));
        return ((OutputStreamAppender<ILoggingEvent>) fresh.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"))
                .getEncoder();
    }
}
