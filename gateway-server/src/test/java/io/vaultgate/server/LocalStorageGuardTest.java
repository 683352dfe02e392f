package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.node.NodeStatus;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node with its own object directory does not join a catalog that another live node serves. */
class LocalStorageGuardTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final NodeSettings SELF = NodeSettings.of("node-b");

    @TempDir
    Path home;

    @Test
    void postgresqlWithLocalStorage_andAnotherLiveNode_isRefused_namingTheNodeAndTheFix() {
        assertThatThrownBy(() -> LocalStorageGuard.check(config("postgresql", "filesystem"), SELF,
                List.of(node("node-a", Duration.ofSeconds(1)), node("node-b", Duration.ZERO))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("node node-a serves the same catalog")
                .hasMessageContaining("storage.type: s3");
    }

    @Test
    void postgresqlWithLocalStorage_isAllowed_aloneOrBesideDeadNodesOrItsOwnEarlierIncarnation() {
        Duration longSilence = SELF.deadAfter().plusSeconds(1);
        assertThatCode(() -> LocalStorageGuard.check(config("postgresql", "filesystem"), SELF,
                List.of(node("node-a", longSilence), node("node-b", Duration.ofSeconds(1)))))
                .doesNotThrowAnyException();
    }

    @Test
    void sharedBucketsAndEmbeddedCatalogs_areNotItsConcern() {
        List<NodeStatus> live = List.of(node("node-a", Duration.ZERO));
        assertThatCode(() -> LocalStorageGuard.check(config("postgresql", "s3"), SELF, live))
                .doesNotThrowAnyException();
        assertThatCode(() -> LocalStorageGuard.check(config("sqlite", "filesystem"), SELF, live))
                .doesNotThrowAnyException();
    }

    private VaultgateConfig config(String catalog, String storage) {
        Map<String, String> env = new HashMap<>();
        env.put("VAULTGATE_CATALOG_URL", "jdbc:postgresql://127.0.0.1:5432/vaultgate");
        Map<String, String> set = new HashMap<>(Map.of("home", home.toString(), "catalog.type", catalog,
                "storage.type", storage));
        if (storage.equals("s3")) {
            set.put("storage.s3.endpoint", "http://127.0.0.1:9000");
            set.put("storage.s3.bucket", "vaultgate");
        }
        return ConfigLoader.load(Optional.empty(), env, set);
    }

    private static NodeStatus node(String id, Duration silence) {
        Instant lastSeen = NOW.minus(silence);
        return new NodeStatus(id, "i-" + id, lastSeen.minusSeconds(600), lastSeen, silence, 0);
    }
}
