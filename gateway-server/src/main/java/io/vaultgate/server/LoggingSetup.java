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
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging.*} to Logback once the configuration is loaded: the root level for the gateway's
 * own loggers, and the JSON encoder (one object per line, MDC included) when {@code format: json}. The MDC
 * carries {@code session} (a front-end connection), {@code transfer}, {@code tenant}, {@code principal} and
 * {@code protocol} (while the core handles an upload or download); see docs/operations.md.
 */
public final class LoggingSetup {

    private LoggingSetup() {
    }

    public static void apply(LoggingConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.getLogger("io.vaultgate").setLevel(Level.toLevel(config.level().name(), Level.INFO));
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
