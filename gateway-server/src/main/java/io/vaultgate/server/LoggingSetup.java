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
 * own loggers, and the JSON encoder (one object per line, MDC included) when {@code format: json}.
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
                Encoder<ILoggingEvent> json = new JsonEncoder();
                json.setContext(context);
                json.start();
                console.setEncoder(json);
                console.start();
            }
        }
    }
}
