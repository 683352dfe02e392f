package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.node.NodePresence;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate_clock_offset_seconds} and {@code vaultgate_clock_corrected}: the catalog's clock minus the node's
 * as measured at the join, and whether the node runs on the catalog's time. Runs on SQLite and, with {@code
 * -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class ClockGaugesTest {

    @TempDir
    Path home;
    private TestCore test;
    private NodePresence presence;

    @AfterEach
    void tearDown() {
        if (presence != null) {
            presence.close();
        }
        test.close();
    }

    @Test
    void aNodeAnHourAhead_showsANegativeOffset_andItsCorrection() {
        join(Clock.offset(Clock.systemUTC(), Duration.ofHours(1)));

        assertThat(gauge(GatewayMetrics.CLOCK_OFFSET)).isCloseTo(-3600.0, Offset.offset(5.0));
        assertThat(gauge(GatewayMetrics.CLOCK_CORRECTED)).isEqualTo(1.0);
    }

    @Test
    void aNodeInStepWithTheCatalog_showsNoCorrection() {
        join(Clock.systemUTC());

        assertThat(gauge(GatewayMetrics.CLOCK_OFFSET)).isCloseTo(0.0, Offset.offset(0.5));
        assertThat(gauge(GatewayMetrics.CLOCK_CORRECTED)).isZero();
    }

    private void join(Clock node) {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64)
                .withNode(NodeSettings.of("node-a").withTiming(Duration.ofMinutes(1), Duration.ofMinutes(5))), node);
        presence = test.core().nodes().join();
    }

    private double gauge(MeterSpec spec) {
        MeterRegistry registry = test.core().metrics().registry();
        return registry.get(spec.name()).gauge().value();
    }
}
