package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shred on a node that never held the tenant's key, of a tenant an older gateway left without a recorded KEK
 * version, still records the tenant's keys destroyed in the catalog, so the node that holds them refuses them from
 * then on (review20a L4: before, nothing was recorded and that node's copy stayed usable).
 */
class ShredWithoutRecordedKeyTest {

    @TempDir
    Path home;

    @Test
    void aShredOnANodeWithoutTheKey_ofATenantWithoutRecordedVersions_isRefusedOnTheNodeThatHoldsIt() {
        try (TestCore nodeA = TestCore.create(home)) {
            nodeA.client("other", "olga", Protocol.SFTP);
            try (TestCore nodeB = nodeA.secondNode()) {
                ClientPrincipal alice = nodeA.client("acme", "alice", Protocol.SFTP);
                nodeA.upload(alice, "/inbox/a.csv", "secret");
                nodeA.database().inTransaction(jdbc ->
                        jdbc.update("DELETE FROM kek_versions WHERE kek_tenant = 'acme'"));
                assertThat(nodeB.keys().versions("acme")).as("node B never held acme's key").isEmpty();

                nodeB.core().tenantShredding().shred(TenantId.of("acme"), "contract ended", "cli:test");

                List<String> states = nodeA.database().read(jdbc -> jdbc.query(
                        "SELECT state FROM kek_versions WHERE kek_tenant = 'acme'", row -> row.getString(1)));
                assertThat(states).containsOnly("DESTROYED");
                assertThat(nodeA.keys().versions("acme")).as("node A's keystore still holds it").isNotEmpty();
                KekVersions recorded = KekCatalog.recorded(nodeA.database()).get("acme");
                for (int version : nodeA.keys().versions("acme")) {
                    assertThat(recorded.refusal(version)).as("version %s on node A", version)
                            .contains(KekVersionState.DESTROYED);
                }
            }
        }
    }
}
