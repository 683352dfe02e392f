package io.vaultgate.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vaultgate.core.catalog.Database;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The forwarding outbox per site, read from the catalog in one grouped query: jobs by state, and the age of
 * the oldest job not yet delivered (pending or in flight), which is what a stuck site looks like. Sites are
 * configured by administrators, so the {@code site} label stays bounded. Like delivered jobs, abandoned ones (their
 * site removed) are no queue: a removed site's series go away.
 */
final class ForwardQueueGauges {

    /** The undelivered states by name: an index range, where "not delivered" read every job ever delivered too. */
    static final String QUEUE_QUERY = "SELECT site_id, state, COUNT(*), MIN(created_at) FROM forward_jobs "
            + "WHERE state IN ('PENDING', 'IN_FLIGHT', 'DEAD') GROUP BY site_id, state";

    private record Row(String site, String state, long count, long oldestMillis) {
    }

    private final Database database;
    private final MultiGauge queue;
    private final MultiGauge oldest;

    ForwardQueueGauges(MeterRegistry registry, Database database) {
        this.database = database;
        this.queue = MultiGauge.builder(GatewayMetrics.FORWARD_QUEUE.name())
                .description(GatewayMetrics.FORWARD_QUEUE.description()).register(registry);
        this.oldest = MultiGauge.builder(GatewayMetrics.FORWARD_OLDEST.name())
                .description(GatewayMetrics.FORWARD_OLDEST.description())
                .baseUnit(GatewayMetrics.FORWARD_OLDEST.unit()).register(registry);
    }

    void refresh(Instant now) {
        List<Row> rows = database.read(jdbc -> jdbc.query(QUEUE_QUERY,
                row -> new Row(row.getString(1), row.getString(2), row.getLong(3), row.getLong(4))));
        List<MultiGauge.Row<?>> counts = new ArrayList<>();
        Map<String, Long> oldestBySite = new HashMap<>();
        for (Row row : rows) {
            counts.add(MultiGauge.Row.of(Tags.of("site", row.site(), GatewayMetrics.STATE,
                    row.state().toLowerCase(Locale.ROOT)), row.count()));
            if (row.state().equals("PENDING") || row.state().equals("IN_FLIGHT")) {
                oldestBySite.merge(row.site(), row.oldestMillis(), Math::min);
            }
        }
        queue.register(counts, true);
        oldest.register(oldestBySite.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("site", e.getKey()),
                        Math.max(0, now.toEpochMilli() - e.getValue()) / 1000.0))
                .toList(), true);
    }
}
