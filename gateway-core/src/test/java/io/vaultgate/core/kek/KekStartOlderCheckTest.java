package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * L6: an older KEK version recorded before V28 had no key check, and got none (only a version's first wraps made one,
 * and an older version wraps nothing): a node holding another key under it was never refused as forked, its downloads
 * failing authentication as if the files were tampered with. The start-up check records this node's check of such a
 * version where its key opens one of the version's stored data keys. Node A made acme and rotated it; node B's keystore
 * was copied from A's before acme existed. Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on
 * PostgreSQL.
 */
class KekStartOlderCheckTest extends KeystoreCopiedBeforeAcme {

    private static final TenantId ACME = TenantId.of("acme");

    /** Failed before the change: version 1 stayed unchecked, and B's download failed authentication (INTERNAL). */
    @Test
    void anOlderVersionWithoutACheck_getsThisNodesWhereItsKeyOpensTheVersionsData_andAForkIsThenRefused()
            throws IOException {
        nodeA.upload(alice, "/inbox/v1.csv", "wrapped by A's version 1");
        nodeA.core().keyRotation().rotate(ACME, false);
        forgetCheck(1);

        nodeA.core().kekStartupCheck().run();

        assertThat(nodes.checked()).containsExactly(1, 2);
        assertThat(nodeA.read(alice, "/inbox/v1.csv")).isEqualTo("wrapped by A's version 1");
        nodeB.keys().ensureTenant("acme"); // another key under version 1
        assertThatThrownBy(() -> nodeB.read(alice, "/inbox/v1.csv"))
                .as("refused as forked, not failing authentication as if the file were tampered with")
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.getCause()).isInstanceOf(KeystoreForked.class);
                });
    }

    /** Guards the proof (passes before too): a node whose key opens none of the version's data records nothing. */
    @Test
    void aNodeWhoseKeyOfTheOlderVersionOpensNoneOfItsData_recordsNoCheck() {
        nodeA.upload(alice, "/inbox/v1.csv", "wrapped by A's version 1");
        nodeA.core().keyRotation().rotate(ACME, false);
        forgetCheck(1);
        nodeB.keys().ensureTenant("acme"); // another key under version 1
        nodeB.keys().rotate("acme"); // B's own version 2: not behind, so its start-up check reads the older versions

        nodeB.core().kekStartupCheck().run();

        assertThat(nodes.checked()).containsExactly(2);
    }

    /** Guards the proof: a version wrapping no stored data key has nothing to prove its key by, and gets no check. */
    @Test
    void anOlderVersionWrappingNoStoredKey_getsNoCheck() {
        nodeA.core().keyRotation().rotate(ACME, false);
        forgetCheck(1);

        nodeA.core().kekStartupCheck().run();

        assertThat(nodes.checked()).containsExactly(2);
    }

    /** What a catalog from before V28 holds of the version: no key check. */
    private void forgetCheck(int version) {
        nodeA.database().inTransaction(jdbc -> jdbc.update("UPDATE kek_versions SET kek_check = NULL WHERE "
                + "kek_tenant = 'acme' AND version = ?", version));
    }
}
