package io.vaultgate.server.config;

/** The root log level; names match SLF4J/Logback levels. */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR, OFF
}
