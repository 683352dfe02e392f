package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new upload whose data key cannot be wrapped because a key is destroyed ({@link CryptoException.KeyDestroyed}) is
 * refused as a locked tenant only when the catalog's tenant is in fact not active (shredded): a data key destroyed
 * under the wrap, or keys destroyed in the key store without the catalog's shred, are a fault on the gateway's side
 * and are not reported to the client as "the tenant is locked". Two cores on one catalog, store and keystore file,
 * as two nodes; node A's key provider can destroy the data key it is asked to wrap. Runs on SQLite and, in the
 * {@code postgresql} execution, on PostgreSQL.
 */
class WrapKeyDestroyedTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.csv");

    @TempDir
    Path home;
    private TestCore nodeB;
    private SabotagedKeys keysA;
    private TestCore nodeA;
    private ClientPrincipal alice;

    @BeforeEach
    void setUp() throws Exception {
        nodeB = TestCore.create(home, settings("node-b"));
        alice = nodeB.client("acme", "alice", Protocol.SFTP);
        nodeA = TestCore.sharing(home, keys -> keysA = new SabotagedKeys(keys), settings("node-a"));
    }

    @AfterEach
    void tearDown() {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
    }

    @Test
    void aShreddedTenantsNewUpload_isRefusedAsLocked() {
        nodeB.core().tenantShredding().shred(ACME, "contract ended", "admin");

        assertThatThrownBy(this::uploadOnNodeA).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TENANT_LOCKED));
        assertNoUploadLeft();
    }

    @Test
    void aDataKeyDestroyedUnderTheWrap_failsAsTheGatewaysFault_notAsALockedTenant() {
        keysA.destroyDataKeyBeforeWrap = true;

        assertThatThrownBy(this::uploadOnNodeA).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INTERNAL);
            assertThat(e.clientMessage()).doesNotContain("locked").contains("fault on the gateway's side");
            assertThat(e.getMessage()).as("the log names the cause").contains("data key has been destroyed");
            assertThat(e.getCause()).isInstanceOf(CryptoException.KeyDestroyed.class);
        });
        assertNoUploadLeft();
        keysA.destroyDataKeyBeforeWrap = false;
        uploadOnNodeA(); // the tenant was never locked
    }

    @Test
    void keysDestroyedInTheKeystoreWithoutAShred_failAsTheGatewaysFault_notAsALockedTenant() {
        nodeB.keys().destroyTenant("acme"); // not through TenantShredding: the catalog's tenant stays active

        assertThatThrownBy(this::uploadOnNodeA).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INTERNAL);
            assertThat(e.clientMessage()).doesNotContain("locked");
            assertThat(e.getMessage()).contains("KEKs of tenant acme were destroyed");
        });
        assertNoUploadLeft();
    }

    private void uploadOnNodeA() {
        try (Upload upload = nodeA.core().ingest().open(alice, REPORT, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[1000]));
            upload.commit();
        }
    }

    /** The refused upload left the gate and inserted no row. */
    private void assertNoUploadLeft() {
        assertThat(nodeA.core().uploads().active()).isZero();
        assertThat(nodeB.database().<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM files WHERE tenant_id = "
                + "'acme'"))).isZero();
    }

    private static GatewayCore.Settings settings(String node) {
        return new GatewayCore.Settings(Duration.ofHours(24), 64).withNode(NodeSettings.of(node));
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
