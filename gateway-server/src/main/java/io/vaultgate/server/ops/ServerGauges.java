package io.vaultgate.server.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.metrics.GatewayMetrics;
import io.vaultgate.core.metrics.MeterSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Gauges only the server can read: free space where the object store lives, the days left on the
 * certificates it serves, and each readiness check as 1 or 0 (so Prometheus can alert on readiness without
 * probing). All are evaluated when scraped.
 */
public final class ServerGauges {

    private ServerGauges() {
    }

    /** Free and total bytes of the file system holding {@code storageRoot}; NaN if it cannot be read. */
    public static void storage(MeterRegistry registry, Path storageRoot) {
        gauge(registry, GatewayMetrics.STORAGE_USABLE, storageRoot, root -> space(root, true));
        gauge(registry, GatewayMetrics.STORAGE_TOTAL, storageRoot, root -> space(root, false));
    }

    /** Seconds until the PEM certificate in {@code file} expires, labelled {@code certificate=name}; NaN if unreadable. */
    public static void certificate(MeterRegistry registry, String name, Path file, Clock clock) {
        MeterSpec spec = GatewayMetrics.CERTIFICATE_EXPIRY;
        Gauge.builder(spec.name(), file, f -> secondsLeft(f, clock)).description(spec.description())
                .baseUnit(spec.unit()).tag("certificate", name).strongReference(true).register(registry);
    }

    /** {@code vaultgate_ready{check}}: 1 while the check passes, 0 when it fails. */
    public static void readiness(MeterRegistry registry, List<ReadinessCheck> checks) {
        MeterSpec spec = GatewayMetrics.READY;
        for (ReadinessCheck check : checks) {
            String name = check.check().name();
            Gauge.builder(spec.name(), check, c -> c.check().up() ? 1 : 0).description(spec.description())
                    .tag("check", name).strongReference(true).register(registry);
        }
    }

    private static void gauge(MeterRegistry registry, MeterSpec spec, Path root, ToDoubleFunction<Path> value) {
        Gauge.builder(spec.name(), root, value).description(spec.description()).baseUnit(spec.unit())
                .strongReference(true).register(registry);
    }

    private static double space(Path root, boolean usable) {
        try {
            FileStore store = Files.getFileStore(root);
            return usable ? store.getUsableSpace() : store.getTotalSpace();
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    private static double secondsLeft(Path file, Clock clock) {
        try (InputStream in = Files.newInputStream(file)) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
            return certificate.getNotAfter().toInstant().getEpochSecond() - clock.instant().getEpochSecond();
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            return Double.NaN;
        }
    }
}
