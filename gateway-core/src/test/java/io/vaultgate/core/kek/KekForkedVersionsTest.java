package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KekVersions#forkedIn}, what {@code vaultgate doctor} compares a key provider with: node B, whose keystore
 * copy was taken before A created and rotated acme, then made its own key under acme's version numbers, holds keys
 * the catalog's key checks refuse; A's are the catalog's. Nothing is written: the catalog's record stays as it was.
 * Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class KekForkedVersionsTest {

    @TempDir
    Path home;
    private TestCore nodeA;
    private TestCore nodeB;

    @BeforeEach
    void nodeBCopiedItsKeystoreBeforeAcme() {
        nodeA = TestCore.create(home);
        nodeB = nodeA.secondNode();
        nodeA.core().administration().createTenant(TenantId.of("acme"), "Acme", false);
        nodeA.core().keyRotation().rotate(TenantId.of("acme"), false);
    }

    @AfterEach
    void close() {
        nodeB.close();
        nodeA.close();
    }

    @Test
    void versionsHeldUnderTheCatalogsNumbersWithOtherKeys_areForked_andTheCatalogsOwnAreNot() {
        nodeB.keys().ensureTenant("acme"); // B's own version 1, never recorded
        KekVersions recorded = KekCatalog.recorded(nodeA.database()).get("acme");

        assertThat(recorded.forkedIn(nodeB.keys())).as("B's version 1; B lacks version 2").containsExactly(1);
        assertThat(recorded.forkedIn(nodeA.keys())).isEmpty();
        assertThat(KekCatalog.recorded(nodeA.database()).get("acme")).as("read-only").isEqualTo(recorded);
    }

    @Test
    void aKeyProviderLackingTheTenant_hasNothingForked() {
        KekVersions recorded = KekCatalog.recorded(nodeA.database()).get("acme");

        assertThat(recorded.forkedIn(nodeB.keys())).isEmpty();
    }
}
