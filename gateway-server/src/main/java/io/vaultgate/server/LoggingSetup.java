package io.vaultgate.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.vaultgate.server.config.LogFormat;
import io.vaultgate.server.config.LoggingConfig;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging.*} to Logback once the configuration is loaded: the level of the gateway's own
 * loggers ({@link #GATEWAY_LOGGERS}), and the JSON encoder (one object per line, MDC included) when
 * {@code format: json}. The MDC carries {@code session} (a front-end connection), {@code transfer}, {@code tenant}, {@code principal} and
 * {@code protocol} (while the core handles an upload or download); see docs/operations.md.
 */
public final class LoggingSetup {

    /**
     * The loggers {@code logging.level} applies to: the gateway's classes (but {@code io.vaultgate.sftp.kex}, which
     * logback.xml keeps at WARN: MINA logs through it), and the SFTP transfer lines, a named log outside them.
     * Everything else stays at logback.xml's WARN.
     */
    static final List<String> GATEWAY_LOGGERS = List.of("io.vaultgate", "vaultgate.sftp.transfers");

    private LoggingSetup() {
    }

    public static void apply(LoggingConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Level level = Level.toLevel(config.level().name(), Level.INFO);
        for (String name : GATEWAY_LOGGERS) {
            context.getLogger(name).setLevel(level);
        }
        if (config.format() == LogFormat.JSON) {
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            if (root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> console) {
                console.stop();
                console.setEncoder(jsonEncoder(context));
                console.start();
            }
        }
    }

    /**
     * The encoder of {@code logging.format: json}: one JSON object per line with the level, logger, thread,
     * the message template and the formatted message, the whole MDC and the stack trace of an exception;
     * started. The raw arguments are left out (the formatted message has them).
     */
    public static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithContext(false);
        json.setWithMDC(true);
        json.setWithFormattedMessage(true);
        json.setWithArguments(false);
        json.setWithThrowable(true);
        json.start();
        return json;
    }
}
