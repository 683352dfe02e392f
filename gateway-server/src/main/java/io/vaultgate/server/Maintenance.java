package io.vaultgate.server;

import io.vaultgate.core.GatewayCore;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Housekeeping while the gateway runs, on one background thread: closes idle batches, returns expired
 * batch leases, removes partial uploads past their expiry, retries the recovery of interrupted uploads that failed
 * for a passing cause, shreds files past their tenant's retention,
 * abandons the forwards of removed sites whose removal was cut off before it abandoned them, signs an audit
 * checkpoint when one is due. A failing pass is logged and retried next time.
 */
final class Maintenance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "vaultgate-maintenance");
        thread.setDaemon(true);
        return thread;
    });

    Maintenance(GatewayCore core, Duration interval) {
        scheduler.scheduleWithFixedDelay(() -> runOnce(core), interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Each task runs on its own: one that fails (a bad route or tenant setting, a storage error) is logged and
     * retried next time, and no longer keeps the others (partial expiry, retention, audit checkpoints) from
     * running for every tenant.
     */
    static void runOnce(GatewayCore core) {
        int batches = task("batch closing and lease release", () -> core.batches().maintain());
        int partials = task("expiry of partial uploads", () -> core.recovery().expirePartials());
        int recovered = task("interrupted uploads left to retry", () -> core.recovery().retryDeferred());
        int shredded = task("retention", () -> core.retention().shredExpired());
        task("site removals cut off before their forwards were abandoned",
                () -> core.incidents().siteRemoval().finishInterrupted().size());
        task("out-of-step keys of tenants shredded since", () -> core.kekStartupCheck().forgetShredded());
        task("audit checkpoint", () -> {
            core.audit().checkpointIfDue();
            return 0;
        });
        if (batches + partials + recovered + shredded > 0) {
            LOG.info("maintenance: {} batches closed or released, {} expired partial uploads removed, {} interrupted "
                    + "uploads recovered on a retry, {} files past retention shredded", batches, partials, recovered,
                    shredded);
        }
    }

    private static int task(String name, java.util.function.IntSupplier task) {
        try {
            return task.getAsInt();
        } catch (RuntimeException e) {
            LOG.warn("maintenance: {} failed; retrying at the next interval", name, e);
            return 0;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
