package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.vaultgate.server.config.LogFormat;
import io.vaultgate.server.config.LogLevel;
import io.vaultgate.server.config.LoggingConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code logging.level} reaches every operational log line of the gateway, and nothing of the libraries'. */
class LoggingSetupTest {

    private static final List<String> WATCHED = List.of("io.vaultgate", "vaultgate", "org.apache.sshd");
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Map<String, Level> before = new HashMap<>();

    @BeforeEach
    void rememberTheLevels() {
        WATCHED.forEach(name -> before.put(name, context.getLogger(name).getLevel()));
    }

    @AfterEach
    void restoreTheLevels() {
        before.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    @Test
    void theLoggingLevel_enablesTheSftpTransferLines_asTheGatewaysOwnLines() {
        LoggingSetup.apply(new LoggingConfig(LogFormat.TEXT, LogLevel.INFO));

        assertThat(logger("vaultgate.sftp.transfers").isInfoEnabled()).isTrue();
        assertThat(logger("io.vaultgate.core.ingest.UploadLedger").isInfoEnabled()).isTrue();
        assertThat(logger("org.apache.sshd.server.session.ServerSessionImpl").isInfoEnabled()).isFalse();
    }

    @Test
    void aQuieterLoggingLevel_silencesTheSftpTransferLinesToo() {
        LoggingSetup.apply(new LoggingConfig(LogFormat.TEXT, LogLevel.WARN));

        assertThat(logger("vaultgate.sftp.transfers").isInfoEnabled()).isFalse();
        assertThat(logger("vaultgate.sftp.transfers").isWarnEnabled()).isTrue();
    }

    private Logger logger(String name) {
        return context.getLogger(name);
    }
}
