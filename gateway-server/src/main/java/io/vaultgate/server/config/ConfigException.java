package io.vaultgate.server.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The configuration is unusable. The message is always one line of the form
 * {@code <key>: <problem>; <fix>}, e.g.
 * {@code sftp.port: expected an integer between 0 and 65535, got 70000; fix the value in /etc/vaultgate.yaml}.
 * It never contains a secret (the configuration holds none) and is safe to print to an operator.
 */
public final class ConfigException extends RuntimeException {
    private static final int MAX_PART = 400;

    private final String key;
    private final String problem;
    private final String fix;

    /**
     * @param key     what is wrong: a key path ({@code sftp.port}) or a resource ({@code --config /x.yaml})
     * @param problem what is wrong with it
     * @param fix     what to do about it, or {@code null} to let the loader say where the value came from
     */
    public ConfigException(String key, String problem, String fix) {
        super(format(key, problem, fix == null ? "fix the value" : fix));
        this.key = Objects.requireNonNull(key, "key");
        this.problem = Objects.requireNonNull(problem, "problem");
        this.fix = fix;
    }

    /** The key path or resource the message is about. */
    public String key() {
        return key;
    }

    /** The problem, without key or fix. */
    public String problem() {
        return problem;
    }

    /** The fix, if the code that found the problem knew one better than "fix the value". */
    public Optional<String> fix() {
        return Optional.ofNullable(fix);
    }

    /**
     * The same error, with the place the offending value came from (a file, an environment variable,
     * a command-line override) added to the fix.
     */
    ConfigException from(String origin) {
        if (origin == null) {
            return this;
        }
        String located = fix == null ? "fix the value in " + origin : fix + " (set in " + origin + ")";
        ConfigException e = new ConfigException(key, problem, located);
        e.setStackTrace(getStackTrace());
        return e;
    }

    private static String format(String key, String problem, String fix) {
        return oneLine(key) + ": " + oneLine(problem) + "; " + oneLine(fix);
    }

    /** Collapses line breaks and control characters and bounds the length, so a message stays one line. */
    static String oneLine(String text) {
        String flat = String.valueOf(text).replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        return flat.length() <= MAX_PART ? flat : flat.substring(0, MAX_PART) + "...";
    }
}
