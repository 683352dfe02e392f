package io.vaultgate.server.config;

/**
 * Logging ({@code logging.*}).
 *
 * @param format  {@code text} for people, {@code json} for log shippers
 * @param level   the root log level
 */
public record LoggingConfig(LogFormat format, LogLevel level) {

    public LoggingConfig {
        Require.present("logging.format", format);
        Require.present("logging.level", level);
    }

    public static LoggingConfig defaults() {
        return new LoggingConfig(LogFormat.TEXT, LogLevel.INFO);
    }
}
