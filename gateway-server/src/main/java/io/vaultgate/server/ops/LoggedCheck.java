package io.vaultgate.server.ops;

import io.vaultgate.core.metrics.CheckResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A readiness check that logs when it changes state: a WARN with the reason when it goes down, an INFO when it
 * is up again. The unauthenticated {@code /health/ready} shows only each check's name and state, so the reason
 * (which may name paths or carry an exception's text) goes to the log, once per change however often the check
 * is asked, and to the administrator's {@code /status.json}. A check that throws, against its contract, is down
 * with the exception's text.
 */
final class LoggedCheck implements ReadinessCheck {

    private static final Logger LOG = LoggerFactory.getLogger(LoggedCheck.class);

    private final ReadinessCheck check;
    private final String fallbackName;
    /** Whether the check was up when last asked; null before the first time. */
    private final AtomicReference<Boolean> wasUp = new AtomicReference<>();
    private volatile String name;

    private LoggedCheck(ReadinessCheck check, String fallbackName) {
        this.check = check;
        this.fallbackName = fallbackName;
    }

    /** Each of {@code checks} logged; those already logged are kept as they are (so nothing logs twice). */
    static List<ReadinessCheck> wrap(List<ReadinessCheck> checks) {
        List<ReadinessCheck> logged = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            ReadinessCheck check = checks.get(i);
            logged.add(check instanceof LoggedCheck ? check : new LoggedCheck(check, "check-" + (i + 1)));
        }
        return List.copyOf(logged);
    }

    @Override
    public CheckResult check() {
        CheckResult result;
        try {
            result = check.check();
            name = result.name();
        } catch (RuntimeException e) {
            String known = name;
            result = CheckResult.down(known == null ? fallbackName : known, "check failed: " + e);
        }
        Boolean before = wasUp.getAndSet(result.up());
        if (result.up() && Boolean.FALSE.equals(before)) {
            LOG.info("readiness check {} is up again", result.name());
        } else if (!result.up() && !Boolean.FALSE.equals(before)) {
            LOG.warn("readiness check {} is down: {}", result.name(), result.detail());
        }
        return result;
    }
}
