package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.node.NodePresence;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vaultgate nodes} beside a node that joined the catalog, then after it left. */
class NodesCommandTest {

    @TempDir
    Path home;

    @Test
    void aJoinedNode_isListedAlive_andDeadOnceItLeaves() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("nodes").out()).contains("No node has run on this catalog yet");

        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString(),
                "catalog.node-heartbeat", "200ms", "catalog.node-dead-after", "1s"));
        try (CoreResources resources = CoreResources.open(config, Map.of(), CoreMetrics.inMemory(Clock.systemUTC()),
                config.catalog().node(NodeSettings.of("node-a")))) {
            assertThat(resources.core().nodes().settings().heartbeat()).hasMillis(200);
            try (NodePresence presence = resources.core().nodes().join()) {
                CliHarness.Result listed = cli.run("nodes");
                assertThat(listed.exitCode()).as(listed.err()).isZero();
                assertThat(listed.out()).containsPattern("node-a\\s+alive\\s+\\S+\\s+\\S+\\s+0");
            }
        }

        assertThat(cli.run("nodes").out()).containsPattern("node-a\\s+dead\\s+\\S+\\s+stopped");
    }
}
