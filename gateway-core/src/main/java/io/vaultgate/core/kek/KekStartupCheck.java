package io.vaultgate.core.kek;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.TenantStatus;
import io.vaultgate.crypto.KekId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a node starts: first disables in its keystore the versions the catalog records disabled and the keystore still
 * holds enabled ({@link DisableCompletion}: a {@code vaultgate keys disable} cut off between its catalog commit and its
 * keystore write, or run on another node), then compares its keystore with the catalog's record for every active tenant
 * ({@link KekStartVerifier}), so that a keystore copy behind the catalog or forked from it is found at once,
 * not at the tenant's first upload or download here. Each finding is what that request's refusal would be: counted in
 * {@code vaultgate_kek_refusals_total} by reason, held in the gauge {@code vaultgate_kek_versions_out_of_step} until
 * the node verifies the tenant in step ({@link KekOutOfStep}: so {@code VaultgateKeystoreOutOfStep} fires from the
 * node's first scrape on) and logged as a WARN naming the tenant, the version, the cause and the fix, once; the run's
 * summary is logged, and its findings are {@link #alerts()} on the status page. A version recorded without a key
 * check (before V28) gets this node's.
 *
 * <p>Fail-closed per tenant, not per node: the node stays ready and serves every other tenant, and the tenants found
 * go on being refused request by request, as they were before the check (every wrap and unwrap is verified as it
 * comes, which this check neither replaces nor relaxes). A node with one forked tenant taken out of its load balancer
 * would stop every tenant's transfers there for one tenant's keystore copy.
 *
 * <p>Bounded cost: one read of every recorded version, and one keystore write per version disabled now (none once the
 * keystore is in step); per tenant, one catalog read and one unwrap of a 32-byte key slot per version compared (plus
 * one wrap and one write the first time a pre-V28 version is checked), one tenant after another on a background thread
 * ({@link #startInBackground}): start-up does not wait for it, and a PKCS#11 token sees one operation at a time from
 * it. Tenants are read a page at a time, in id order.
 */
public final class KekStartupCheck implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KekStartupCheck.class);

    /** Tenant ids read from the catalog at a time. */
    static final int PAGE = 500;

    /** Findings named on the status page, at most; the log names each one. */
    static final int NAMED = 20;

    /** What the check found of one tenant on this node. */
    public enum Verdict {
        /** This node's key of the tenant's active version is the catalog's. */
        SAME,
        /** The catalog had no key check of the active version; this node's is recorded now. */
        FILLED,
        /**
         * This node's key of the active version is another one: refused here (counted, logged). A forked older
         * version is a finding apart from the active version's verdict ({@link Report#forked}).
         */
        FORKED,
        /** This node's keystore lacks the catalog's active version: refused here (counted, logged). */
        BEHIND,
        /** Nothing to compare: no check and not this node's active version, or another provider's check. */
        UNCHECKED,
        /** The catalog records no version of the tenant, or its versions are destroyed: nothing to verify. */
        UNRECORDED
    }

    /**
     * What one run found.
     *
     * @param counts tenants by the verdict of their active version
     * @param forked tenants holding another key than the catalog's under their active version or an older one; a
     *               tenant may be in {@code behind} too (its keystore lacks the active version and holds another
     *               key under an older one)
     * @param behind tenants whose active version this node's keystore lacks
     * @param disabledHere versions recorded disabled that this run disabled in this node's keystore
     * @param notDisabledHere versions recorded disabled whose keystore write failed here (still refused)
     */
    public record Report(Instant finishedAt, Map<Verdict, Integer> counts, List<String> forked,
                         List<String> behind, List<KekId> disabledHere, List<KekId> notDisabledHere, int failed,
                         Duration took) {

        public Report {
            counts = Map.copyOf(counts);
            forked = List.copyOf(forked);
            behind = List.copyOf(behind);
            disabledHere = List.copyOf(disabledHere);
            notDisabledHere = List.copyOf(notDisabledHere);
        }

        /** Tenants whose key this node verified or whose missing check it recorded. */
        public int verified() {
            return count(Verdict.SAME) + count(Verdict.FILLED);
        }

        /** Tenants with a pre-V28 version whose key check this node recorded. */
        public int filled() {
            return count(Verdict.FILLED);
        }

        public int count(Verdict verdict) {
            return counts.getOrDefault(verdict, 0);
        }
    }

    private final Database database;
    private final KekCatalog kekCatalog;
    private final KekStartVerifier verifier;
    private final DisableCompletion disables;
    private final KeyRemedy remedy;
    private final Clock clock;
    private volatile Thread running;
    private volatile boolean stopped;
    private volatile Report last;

    public KekStartupCheck(Database database, KekCatalog kekCatalog, Clock clock) {
        this.database = database;
        this.kekCatalog = kekCatalog;
        this.verifier = kekCatalog.startVerifier();
        this.disables = kekCatalog.disableCompletion();
        this.remedy = kekCatalog.remedy();
        this.clock = clock;
    }

    /**
     * Ends the findings ({@code vaultgate_kek_versions_out_of_step}) of tenants shredded since they were found, here or
     * on another node ({@link KekCatalog#forgetShredded}); run by the maintenance pass. Returns how many it ended.
     */
    public int forgetShredded() {
        return kekCatalog.forgetShredded();
    }

    /** Runs the check on a daemon thread of its own; once per node start (a second call does nothing). */
    public synchronized void startInBackground() {
        if (running != null || stopped) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                run();
            } catch (RuntimeException e) {
                LOG.warn("the KEK start-up check stopped: {}", e.toString());
            }
        }, "vaultgate-kek-check");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        running = thread;
        thread.start();
    }

    /**
     * Completes the disabled versions ({@link DisableCompletion}), then checks every active tenant, now, on the
     * caller's thread; stops early, with what it found, once {@link #close}d (the core is closing: its catalog and
     * keys are about to be). A tenant whose check fails (the catalog or the key provider did not answer) is counted in
     * {@link Report#failed} and the next one checked.
     */
    public Report run() {
        long started = System.nanoTime();
        DisableCompletion.Outcome completed = disables.run(() -> stopped);
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        List<String> forked = new ArrayList<>();
        List<String> behind = new ArrayList<>();
        int failed = 0;
        String after = "";
        List<String> page;
        do {
            String from = after;
            page = database.read(jdbc -> jdbc.query("SELECT id FROM tenants WHERE status = ? AND id > ? ORDER BY id "
                    + "LIMIT " + PAGE, row -> row.getString(1), TenantStatus.ACTIVE.name(), from));
            for (String tenant : page) {
                if (stopped) {
                    LOG.info("the KEK start-up check stopped after tenant {}: the core is closing", after);
                    return finish(started, completed, counts, forked, behind, failed);
                }
                after = tenant;
                try {
                    KekStartVerifier.Finding finding = verifier.verify(tenant);
                    counts.merge(finding.active(), 1, Integer::sum);
                    if (finding.forked()) {
                        forked.add(tenant);
                    }
                    if (finding.active() == Verdict.BEHIND) { // and forked too, where an older version is
                        behind.add(tenant);
                    }
                } catch (RuntimeException e) {
                    if (failed++ == 0) {
                        LOG.warn("the KEK start-up check could not check tenant {}: {}", tenant, e.toString());
                    }
                }
            }
        } while (page.size() == PAGE);
        return finish(started, completed, counts, forked, behind, failed);
    }

    private Report finish(long started, DisableCompletion.Outcome completed, Map<Verdict, Integer> counts,
                          List<String> forked, List<String> behind, int failed) {
        Report report = new Report(clock.instant(), counts, forked, behind, completed.disabled(), completed.failed(),
                failed, Duration.ofNanos(System.nanoTime() - started));
        String summary = "KEK start-up check: " + report.verified() + " active tenants' keys verified against the "
                + "catalog (" + report.filled() + " pre-V28 key checks recorded now), "
                + report.count(Verdict.UNCHECKED) + " not comparable, "
                + report.count(Verdict.UNRECORDED) + " without a recorded version, " + forked.size()
                + " forked, " + behind.size() + " behind, " + failed + " not checked; "
                + report.disabledHere().size() + " KEK versions recorded disabled were disabled in this node's "
                + remedy.store() + " now" + (report.notDisabledHere().isEmpty() ? ""
                : ", " + report.notDisabledHere().size() + " could not be") + "; in " + report.took().toMillis()
                + " ms";
        if (forked.isEmpty() && behind.isEmpty() && failed == 0 && report.notDisabledHere().isEmpty()) {
            LOG.info(summary);
        } else {
            LOG.warn("{}; this node refuses the forked and behind tenants' keys (each named in a WARN above) and "
                    + "serves every other tenant; {}", summary, remedy.from("the node that changed them"));
        }
        last = report; // after the log: whoever sees the report sees its summary logged
        return report;
    }

    /** The last run's report; empty until a run finished. */
    public Optional<Report> last() {
        return Optional.ofNullable(last);
    }

    /**
     * What the status page shows of the last run: one line per kind of finding, naming up to {@value #NAMED} tenants;
     * nothing when it found nothing (or has not finished). Found at start-up: a keystore copied since is not seen
     * here until the next start, while every request is verified as it comes.
     */
    public List<String> alerts() {
        Report report = last;
        List<String> alerts = new ArrayList<>();
        if (report == null) {
            return alerts;
        }
        if (!report.forked().isEmpty()) {
            alerts.add("keys: at start-up (" + report.finishedAt() + ") this node's " + remedy.store() + " held "
                    + "another key than the catalog's under a KEK version (the active one or an older one) of "
                    + report.forked().size()
                    + " tenant(s) (forked; refused here): " + named(report.forked()) + "; "
                    + remedy.from("the node that rotated them"));
        }
        if (!report.behind().isEmpty()) {
            alerts.add("keys: at start-up (" + report.finishedAt() + ") this node's " + remedy.store() + " lacked the "
                    + "active KEK version of " + report.behind().size() + " tenant(s) (behind; refused here): "
                    + named(report.behind()) + "; " + remedy.from("the node that changed them"));
        }
        if (!report.notDisabledHere().isEmpty()) {
            alerts.add("keys: at start-up (" + report.finishedAt() + ") this node's " + remedy.store() + " could not "
                    + "disable " + report.notDisabledHere().size() + " KEK version(s) the catalog records disabled "
                    + "(refused on every node all the same; see the log): " + named(report.notDisabledHere().stream()
                    .map(KekId::toString).toList()) + "; run `vaultgate keys disable --tenant T --kek-version N` "
                    + "on this node");
        }
        if (report.failed() > 0) {
            alerts.add("keys: at start-up (" + report.finishedAt() + ") " + report.failed() + " tenant(s)' keys could "
                    + "not be checked (see the log)");
        }
        return alerts;
    }

    private static String named(List<String> tenants) {
        return String.join(", ", tenants.subList(0, Math.min(NAMED, tenants.size())))
                + (tenants.size() > NAMED ? " and " + (tenants.size() - NAMED) + " more" : "");
    }

    /**
     * Stops a run in the background after its current tenant, waiting up to a second for it. Not by interrupting it:
     * a thread interrupted in a JDBC call or a PKCS#11 operation may leave the pooled connection or the session
     * broken for the callers after it.
     */
    @Override
    public void close() {
        stopped = true;
        Thread thread = running;
        if (thread != null) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
