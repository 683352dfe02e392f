package io.vaultgate.server.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.https.TlsMaterial;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a renewed or imported server certificate without a restart: every few seconds it looks at the certificate
 * and key files ({@code tls/server.crt}, {@code tls/server.key}: modification time, size and inode), and when they
 * changed and then stayed the same for one more look (the two files are written one after the other), it reads them,
 * checks them with {@link ServerCertificatePolicy} and hands them to the listeners (the HTTPS front-end's
 * {@code HttpsServer.replaceTls}, then the ops listener's TLS context when {@code ops.tls} is on), which serve them
 * to new connections. It starts from the stamp the files had before the listeners read them
 * ({@link ServedCertificate}), so a replacement that lands while they start is loaded too. Files it cannot use
 * (unreadable, a key of another certificate, expired, a weak key) leave the listeners on the certificate they serve,
 * with an error in the log naming the reason and {@code vaultgate_https_certificate_reloads_total{result="refused"}}
 * counting up, once per change whatever the number of listeners; they are not read again until they change. Reading
 * the files is all it does: the CLI ({@code vaultgate tls}) writes them.
 */
public final class ServerCertificateWatcher implements AutoCloseable {

    /** How often the files are looked at when the gateway runs. */
    public static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificateWatcher.class);

    /** Where a checked certificate goes: the listener that serves it. */
    @FunctionalInterface
    public interface Listener {
        void serve(TlsMaterial material) throws Exception;
    }

    private final Path key;
    private final Path certificate;
    private final Listener listener;
    private final Clock clock;
    private final Counter reloaded;
    private final Counter refused;
    private final ScheduledExecutorService scheduler;
    private CertificateFilesStamp served;
    private CertificateFilesStamp pending;

    /** Takes the files as {@code served} stamped them, before the listener read them, as the ones they serve. */
    ServerCertificateWatcher(ServedCertificate served, Listener listener, MeterRegistry registry, Clock clock,
                             ScheduledExecutorService scheduler) {
        this.key = served.key();
        this.certificate = served.certificate();
        this.listener = listener;
        this.clock = clock;
        this.scheduler = scheduler;
        this.reloaded = counter(registry, "reloaded");
        this.refused = counter(registry, "refused");
        this.served = served.stamp();
    }

    /**
     * Starts watching, every {@code interval}, from the files as the listeners read them at start ({@code served}):
     * any change since its stamp, even one made before the listeners bound, is loaded at the next looks.
     */
    public static ServerCertificateWatcher start(ServedCertificate served, Listener listener, MeterRegistry registry,
                                                 Clock clock, Duration interval) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "vaultgate-tls-watch");
            thread.setDaemon(true);
            return thread;
        });
        ServerCertificateWatcher watcher = new ServerCertificateWatcher(served, listener, registry, clock, scheduler);
        scheduler.scheduleWithFixedDelay(watcher::poll, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return watcher;
    }

    /** One look at the files; reloads them once they changed and settled. Never throws. */
    synchronized void poll() {
        try {
            CertificateFilesStamp now = CertificateFilesStamp.of(key, certificate);
            if (now.equals(served)) {
                pending = null;
                return;
            }
            if (!now.equals(pending)) {
                pending = now; // changed since the last look: wait one more, the other file may follow
                return;
            }
            served = now;
            pending = null;
            reload();
        } catch (RuntimeException e) {
            LOG.error("TLS certificate watcher: {}", e.toString());
        }
    }

    private void reload() {
        TlsMaterial material;
        try {
            material = ServerCertificatePolicy.check(IssuedCertificate.read(key, certificate), clock.instant());
            listener.serve(material);
        } catch (Exception e) {
            refused.increment();
            LOG.error("HTTPS certificate {} with key {} changed but cannot be served, so the listener keeps serving "
                    + "the previous certificate: {}; fix the files (`vaultgate tls show`, `tls issue`, `tls import`, "
                    + "or copy back the *.replaced-* files)", certificate, key, reason(e));
            return;
        }
        reloaded.increment();
        X509Certificate leaf = material.chain().get(0);
        LOG.info("HTTPS certificate reloaded from {}: {}, sha256 {}, not after {}; new connections get it",
                certificate, leaf.getSubjectX500Principal().getName(), Fingerprints.sha256(leaf),
                leaf.getNotAfter().toInstant());
    }

    private static String reason(Exception e) {
        return Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("vaultgate.https.certificate.reloads")
                .description("Changes of the HTTPS certificate files: reloaded (served to new connections) or "
                        + "refused (the previous certificate kept; see the log)")
                .tag("result", result).register(registry);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
