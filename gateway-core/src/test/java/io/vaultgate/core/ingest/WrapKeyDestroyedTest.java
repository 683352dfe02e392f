package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new upload whose data key cannot be wrapped because a key is destroyed ({@link CryptoException.KeyDestroyed}) is
 * refused as a locked tenant only when the catalog's tenant is in fact not active (shredded): a data key destroyed
 * under the wrap, or keys destroyed in the key store without the catalog's shred, are a fault on the gateway's side
 * and are not reported to the client as "the tenant is locked". Two cores on one catalog, store and keystore file,
 * as two nodes ({@link TwoNodes}); node A's key provider can destroy the data key it is asked to wrap. Runs on
 * SQLite and, in the {@code postgresql} execution, on PostgreSQL.
 */
class WrapKeyDestroyedTest {

    @TempDir
    Path home;
    private TwoNodes<SabotagedKeys> nodes;

    @BeforeEach
    void setUp() {
        nodes = TwoNodes.start(home, SabotagedKeys::new);
    }

    @AfterEach
    void tearDown() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aShreddedTenantsNewUpload_isRefusedAsLocked() {
        nodes.nodeB.core().tenantShredding().shred(TwoNodes.ACME, "contract ended", "admin");

        assertThatThrownBy(nodes::uploadOnNodeA).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TENANT_LOCKED));
        assertNoUploadLeft();
    }

    @Test
    void aDataKeyDestroyedUnderTheWrap_failsAsTheGatewaysFault_notAsALockedTenant() {
        nodes.keysA.destroyDataKeyBeforeWrap = true;

        assertThatThrownBy(nodes::uploadOnNodeA).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INTERNAL);
            assertThat(e.clientMessage()).doesNotContain("locked").contains("fault on the gateway's side");
            assertThat(e.getMessage()).as("the log names the cause").contains("data key has been destroyed");
            assertThat(e.getCause()).isInstanceOf(CryptoException.KeyDestroyed.class);
        });
        assertNoUploadLeft();
        nodes.keysA.destroyDataKeyBeforeWrap = false;
        nodes.uploadOnNodeA(); // the tenant was never locked
    }

    @Test
    void keysDestroyedInTheKeystoreWithoutAShred_failAsTheGatewaysFault_notAsALockedTenant() {
        nodes.nodeB.keys().destroyTenant("acme"); // not through TenantShredding: the catalog's tenant stays active

        assertThatThrownBy(nodes::uploadOnNodeA).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INTERNAL);
            assertThat(e.clientMessage()).doesNotContain("locked");
            assertThat(e.getMessage()).contains("KEKs of tenant acme were destroyed");
        });
        assertNoUploadLeft();
    }

    /** The refused upload left the gate and inserted no row. */
    private void assertNoUploadLeft() {
        assertThat(nodes.nodeA.core().uploads().active()).isZero();
        assertThat(nodes.rows("SELECT COUNT(*) FROM files WHERE tenant_id = 'acme'")).isZero();
    }

    /** A key provider that, when told to, destroys the data key it is asked to wrap first (a use after destroy). */
    private static final class SabotagedKeys extends DelegatingKeyProvider {
        volatile boolean destroyDataKeyBeforeWrap;

        SabotagedKeys(KeyProvider keys) {
            super(keys);
        }

        @Override
        public KeySlot wrap(EnvelopeContext ctx, DataKey dek) {
            if (destroyDataKeyBeforeWrap) {
                dek.destroy();
            }
            return super.wrap(ctx, dek);
        }
    }
}
