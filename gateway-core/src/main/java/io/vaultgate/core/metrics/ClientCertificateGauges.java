package io.vaultgate.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.pki.Validity;
import java.time.Instant;
import java.util.List;

/**
 * {@code vaultgate_client_certificates{expiry}}: the accounts' registered client certificates (mutual TLS) by when
 * they expire: {@code expired} (the TLS handshake refuses them), {@code within_30d} ({@link Validity#SOON}),
 * {@code later}, and {@code unknown} (registered before the catalog recorded validity, V34). All four rows exist from
 * the first scrape, 0 when none, so an alert on {@code expired} or {@code within_30d} needs no absent() clause. One
 * query, which reads the index on {@code not_after}, not the table. {@code expired} is {@code not_after < now}: a
 * certificate is valid up to and including its {@code notAfter}, as {@link Validity#expiredAt} and the handshake judge.
 */
final class ClientCertificateGauges {

    static final String EXPIRY = "expiry";
    static final String QUERY = "SELECT COUNT(*) - COUNT(not_after), "
            + "COALESCE(SUM(CASE WHEN not_after < ? THEN 1 ELSE 0 END), 0), "
            + "COALESCE(SUM(CASE WHEN not_after >= ? AND not_after < ? THEN 1 ELSE 0 END), 0), "
            + "COALESCE(SUM(CASE WHEN not_after >= ? THEN 1 ELSE 0 END), 0) FROM account_certificates";

    private record Counts(long unknown, long expired, long soon, long later) {
    }

    private final Database database;
    private final MultiGauge gauge;

    ClientCertificateGauges(MeterRegistry registry, Database database) {
        this.database = database;
        this.gauge = MultiGauge.builder(GatewayMetrics.CLIENT_CERTIFICATES.name())
                .description(GatewayMetrics.CLIENT_CERTIFICATES.description()).register(registry);
    }

    void refresh(Instant now) {
        long at = now.toEpochMilli();
        long soon = now.plus(Validity.SOON).toEpochMilli();
        Counts counts = database.read(jdbc -> jdbc.queryOne(QUERY, row -> new Counts(row.getLong(1), row.getLong(2),
                row.getLong(3), row.getLong(4)), at, at, soon, soon)).orElseThrow();
        gauge.register(List.of(row("expired", counts.expired()),
                row("within_" + Validity.SOON.toDays() + "d", counts.soon()), row("later", counts.later()),
                row("unknown", counts.unknown())), true);
    }

    private static MultiGauge.Row<?> row(String expiry, long count) {
        return MultiGauge.Row.of(Tags.of(EXPIRY, expiry), count);
    }
}
