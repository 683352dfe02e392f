package io.vaultgate.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/** The checks that config records run in their compact constructors; each failure names the key. */
final class Require {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\-\\[\\]]{1,253}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private Require() {
    }

    static <T> T present(String key, T value) {
        if (value == null) {
            throw new ConfigException(key, "no value",
                    "give a value, or remove the key to use the default");
        }
        return value;
    }

    static int port(String key, int port) {
        return between(key, port, 0, 65535);
    }

    static int between(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException(key, "expected an integer between " + min + " and " + max
                    + ", got " + value, null);
        }
        return value;
    }

    static Duration between(String key, Duration value, Duration min, Duration max) {
        present(key, value);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException(key, "expected a duration between " + Durations.format(min) + " and "
                    + Durations.format(max) + ", got " + Durations.format(value), null);
        }
        return value;
    }

    static DataSize between(String key, DataSize value, DataSize min, DataSize max) {
        present(key, value);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException(key, "expected a size between " + min + " and " + max + ", got " + value,
                    null);
        }
        return value;
    }

    /** A host name or IP literal to bind to; nothing is resolved here. */
    static String host(String key, String value) {
        present(key, value);
        if (!HOST.matcher(value).matches()) {
            throw new ConfigException(key, "not a host name or IP address " + InvalidValue.quote(value),
                    "use e.g. 0.0.0.0 (all interfaces), 127.0.0.1 or ::1");
        }
        return value;
    }

    static Path path(String key, Path value) {
        present(key, value);
        if (value.toString().isBlank()) {
            throw new ConfigException(key, "empty path", "give a path, absolute or relative to home");
        }
        return value;
    }

    /** An environment variable name, or empty to mean "do not look in the environment". */
    static String envName(String key, String value) {
        present(key, value);
        if (!value.isEmpty() && !ENV_NAME.matcher(value).matches()) {
            throw new ConfigException(key, "not an environment variable name " + InvalidValue.quote(value),
                    "use letters, digits and underscores, e.g. VAULTGATE_MASTER_SECRET, or \"\" to disable");
        }
        return value;
    }
}
