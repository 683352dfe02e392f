package io.vaultgate.server.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics}: every meter in the Prometheus text exposition format (version 0.0.4). The gauges read from
 * the catalog are refreshed first; if that fails (the catalog is unreachable) the scrape still answers, with
 * their last values and every other meter, because an outage is exactly when operators need the metrics. A
 * scrape that cannot be rendered answers 500 at once rather than leaving Prometheus waiting.
 */
final class MetricsHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHandler.class);

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final Runnable beforeScrape;

    MetricsHandler(PrometheusMeterRegistry registry, Runnable beforeScrape) {
        this.registry = registry;
        this.beforeScrape = beforeScrape;
    }

    /** Runs on a worker: refreshing the gauges reads the catalog. */
    Reply scrape(OpsRequest request) {
        try {
            beforeScrape.run();
        } catch (RuntimeException e) {
            LOG.warn("metrics: refreshing the catalog gauges failed, serving their last values: {}", e.toString());
        }
        byte[] body;
        try {
            body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            LOG.warn("metrics: the scrape failed: {}", e.toString());
            return Reply.text(500, "the metrics could not be rendered; see the gateway's log\n");
        }
        return Reply.of(200, CONTENT_TYPE, body);
    }
}
