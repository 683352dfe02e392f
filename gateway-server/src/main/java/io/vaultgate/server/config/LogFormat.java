package io.vaultgate.server.config;

/** How log lines are written. */
public enum LogFormat {
    /** One human-readable line per event. */
    TEXT,
    /** One JSON object per line, for log shippers. */
    JSON
}
