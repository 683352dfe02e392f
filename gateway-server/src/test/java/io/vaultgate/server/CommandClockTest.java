package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.node.CatalogClock;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An admin command's core never joins the cluster, but it writes and compares catalog times as a node does: it is put
 * on the catalog's time when it opens, so a command on a host an hour off sets the expiry it was asked for.
 */
class CommandClockTest {

    @TempDir
    Path home;

    @Test
    void aCommandOnAHostAnHourAhead_runsOnTheCatalogsTime() {
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString()));
        TestKeystore.seed(config); // test-cost keystore and host keys: the clock is the point, not their cost
        new Initializer().initialize(config, Map.of());
        Clock host = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));

        try (CoreResources command = CoreResources.openForCommand(config, Map.of(), CoreMetrics.inMemory(host),
                host)) {
            CatalogClock clock = command.core().nodes().clock();
            assertThat(clock.correction().toMillis()).isCloseTo(3_600_000L, Offset.offset(2_000L));

            command.core().administration().createTenant(TenantId.of("acme"), "Acme", false);
            Instant created = command.core().administration().tenant(TenantId.of("acme")).orElseThrow().createdAt();
            assertThat(Duration.between(Instant.now(), created).abs()).as("written on the catalog's time")
                    .isLessThan(Duration.ofSeconds(5));
        }
    }
}
