package io.vaultgate.core.metrics;

import java.util.Objects;

/**
 * The result of one readiness check.
 *
 * @param name    what was checked ({@code catalog}, {@code store}, {@code sftp}, ...)
 * @param detail  why it is down, or {@code ok}; safe to show to operators (no secrets, no stack traces)
 */
public record CheckResult(String name, boolean up, String detail) {
    public CheckResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
    }

    public static CheckResult up(String name) {
        return new CheckResult(name, true, "ok");
    }

    public static CheckResult down(String name, String detail) {
        return new CheckResult(name, false, detail);
    }
}
