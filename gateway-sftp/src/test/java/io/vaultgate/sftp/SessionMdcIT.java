package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.sftp.events.SessionMdc;
import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Log lines of SFTP sessions carry the session id, the tenant and the login in the MDC (issue 8): the front-end's
 * own transfer line and the core's, the authentication line on MINA's I/O thread, and every line of the session's
 * SFTP thread; two sessions have different ids, and nothing stays behind on the caller's thread.
 */
class SessionMdcIT {

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    @Test
    void uploadLogLines_carrySessionTenantAndPrincipal_andTwoSessionsHaveDifferentIds() throws Exception {
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        captured.start();
        root.addAppender(captured);
        try {
            for (int i = 0; i < 2; i++) {
                try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE);
                     OutputStream out = client.sftp().write("/inbox/mdc-" + i + ".txt")) {
                    out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            awaitNoOpenConnection();
        } finally {
            root.detachAppender(captured);
        }
        List<ILoggingEvent> events = List.copyOf(captured.list);

        List<Map<String, String>> committed = mdcOf(events, "vaultgate.sftp.transfers", "sftp upload committed");
        assertThat(committed).hasSize(2).allSatisfy(mdc -> {
            assertThat(mdc.get(SessionMdc.SESSION)).matches("sftp-[0-9a-f]{8}");
            assertThat(mdc).containsEntry(SessionMdc.TENANT, TestSftpGateway.TENANT)
                    .containsEntry(SessionMdc.PRINCIPAL, TestSftpGateway.ALICE)
                    .containsEntry(SessionMdc.PROTOCOL, "sftp");
        });
        Set<String> sessions = committed.stream().map(mdc -> mdc.get(SessionMdc.SESSION)).collect(Collectors.toSet());
        assertThat(sessions).as("one id per session").hasSize(2);

        List<Map<String, String>> core = mdcOf(events, "io.vaultgate.core.ingest.UploadLedger", "upload committed");
        assertThat(core).hasSize(2).allSatisfy(mdc -> {
            assertThat(sessions).contains(mdc.get(SessionMdc.SESSION));
            assertThat(mdc).containsKey("transfer").containsEntry(SessionMdc.TENANT, TestSftpGateway.TENANT)
                    .containsEntry(SessionMdc.PRINCIPAL, TestSftpGateway.ALICE);
        });
        assertThat(mdcOf(events, "io.vaultgate.sftp.auth.LiveSessionListener", "sftp session authenticated"))
                .as("on MINA's I/O thread").extracting(mdc -> mdc.get(SessionMdc.SESSION))
                .containsExactlyInAnyOrderElementsOf(sessions);
        assertThat(events.stream().filter(e -> e.getThreadName().contains("sftp-session")))
                .as("every line of a session's SFTP thread").isNotEmpty()
                .allSatisfy(e -> assertThat(sessions).contains(e.getMDCPropertyMap().get(SessionMdc.SESSION)));
        assertThat(MDC.get(SessionMdc.SESSION)).isNull();
    }

    /** Until the server has ended both sessions, so their closing lines are captured too. */
    private static void awaitNoOpenConnection() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (gateway.meters().get("vaultgate.sftp.connections.open").gauge().value() > 0) {
            assertThat(System.nanoTime()).as("sessions ended within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static List<Map<String, String>> mdcOf(List<ILoggingEvent> events, String logger, String message) {
        return events.stream().filter(e -> e.getLoggerName().equals(logger))
                .filter(e -> e.getMessage().startsWith(message)).map(ILoggingEvent::getMDCPropertyMap).toList();
    }
}
