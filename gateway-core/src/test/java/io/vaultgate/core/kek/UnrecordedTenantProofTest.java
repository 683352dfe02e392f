package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.admin.NewTenant;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A tenant the catalog records without any KEK version while its files are stored (an older gateway's interrupted
 * creation, written to after V24 by an older node) gets this node's key recorded only where that key opens the
 * tenant's stored key slots ({@link TenantKeyProof}): under every version this node holds that wraps any, and on every
 * path that records it, {@code tenant add} and the tenant's first upload or rotation here. Node A created the tenant
 * and wrapped its files; node B's keystore (a copy of A's from before) holds another key under the tenant's alias.
 * Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, with every node on one PostgreSQL database.
 */
class UnrecordedTenantProofTest extends KeystoreCopiedBeforeAcme {

    private static final TenantId ACME = TenantId.of("acme");

    /**
     * Review L5: a node holding the tenant's newest key but another key under an older version that wraps some of
     * its files was proven by the newest version alone, and recorded that older key. Every version with stored slots
     * is tried now: the one that fails is named, and nothing is recorded; node A, whose keys open both, completes it.
     */
    @Test
    void aNodeWhoseOlderVersionIsAnotherKey_isRefusedTheCompletion_thoughItsNewestVersionOpens() {
        nodeA.upload(alice, "/inbox/v1.csv", "wrapped by A's version 1");
        nodeA.core().keyRotation().rotate(ACME, false);
        nodeA.upload(alice, "/inbox/v2.csv", "wrapped by A's version 2");
        nodes.forgetRecordedVersions();
        nodeB.keys().ensureTenant("acme"); // another key under version 1

        try (TestCore mixed = TestCore.sharing(home, keys -> new Version1From(keys, nodeB.keys()),
                new GatewayCore.Settings(Duration.ofHours(24), 64).withNode(NodeSettings.of("node-a-mixed")))) {
            assertThat(mixed.keys().versions("acme")).containsExactly(1, 2);
            assertThatThrownBy(() -> mixed.core().administration().addTenant(NewTenant.of(ACME)))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                        assertThat(e.getCause()).isInstanceOfSatisfying(TenantKeyMismatch.class, cause -> {
                            assertThat(cause.version()).isEqualTo(1);
                            assertThat(cause.wrappedKeys()).isEqualTo(2L);
                        });
                        assertThat(e.clientMessage()).contains("key slots of KEK version 1 fail authentication");
                    });
        }
        assertThat(nodes.recorded()).as("nothing recorded").isEmpty();

        nodeA.core().administration().addTenant(NewTenant.of(ACME));

        assertThat(nodes.recorded()).containsExactly(1, 2);
    }

    /**
     * The tenant's first upload on node B would record B's versions (what the catalog lacks is recorded by the first
     * node that meets it): B's key does not open the tenant's files, so the upload is refused as a keystore out of
     * step is (the client told to retry; counted, held in the gauge), and so is B's rotation, before its keystore
     * changes; nothing is recorded. Before, B recorded its key and node A, whose key wrapped the files, was refused as
     * forked. A's next upload proves and records A's key; B, given A's keystore, is in step again.
     */
    @Test
    void theFirstUploadOrRotationOnANodeWhoseKeyDoesNotOpenTheTenantsFiles_isRefused_andRecordsNothing()
            throws IOException {
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 1");
        nodes.forgetRecordedVersions();
        nodeB.keys().ensureTenant("acme");

        assertThatThrownBy(() -> nodeB.upload(alice, "/inbox/by-b.csv", "refused"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.clientMessage()).isEqualTo(KeystoreBehindCatalog.CLIENT_MESSAGE);
                    assertThat(e.getCause()).isInstanceOfSatisfying(TenantKeyMismatch.class,
                            cause -> assertThat(cause.version()).isEqualTo(1));
                });
        assertThat(TwoKeystoreNodes.refusals(nodeB, KekRefusals.FORKED)).isEqualTo(1.0);
        assertThat(outOfStep(nodeB, KekRefusals.FORKED)).isEqualTo(1.0);
        assertThatThrownBy(() -> nodeB.core().keyRotation().rotate(ACME, false))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getCause()).isInstanceOf(TenantKeyMismatch.class);
                });
        assertThat(nodeB.keys().versions("acme")).as("B's keystore unchanged").containsExactly(1);
        assertThat(nodes.recorded()).as("nothing recorded").isEmpty();

        nodeA.upload(alice, "/inbox/by-a-again.csv", "A's key, proven and recorded");

        assertThat(nodes.recorded()).containsExactly(1);
        assertThat(nodeA.read(alice, "/inbox/by-a.csv")).isEqualTo("wrapped by A's version 1");
        nodeA.copyKeystoreTo(nodeB);
        nodeB.upload(alice, "/inbox/by-b.csv", "B with A's keystore");
        assertThat(outOfStep(nodeB, KekRefusals.FORKED)).as("B verified version 1 in step").isZero();
    }

    /** A node holding none of the versions the tenant's files are wrapped with: refused as behind them. */
    @Test
    void theFirstUploadOnANodeHoldingNoVersionTheFilesUse_isRefusedAsBehind() {
        nodeA.core().keyRotation().rotate(ACME, false);
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 2");
        nodes.forgetRecordedVersions();
        nodeB.keys().ensureTenant("acme");

        assertThatThrownBy(() -> nodeB.upload(alice, "/inbox/by-b.csv", "refused"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.getCause()).isInstanceOfSatisfying(TenantKeyMismatch.class,
                            cause -> assertThat(cause.version()).isZero());
                });
        assertThat(TwoKeystoreNodes.refusals(nodeB, KekRefusals.BEHIND)).isEqualTo(1.0);
        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).isEqualTo(1.0);
        assertThat(nodes.recorded()).isEmpty();
    }

    /**
     * Review22c M1: slots only under a version this node holds disabled (an older gateway disabled it in the key
     * provider while files still used it) leave nothing to prove; they locked the tenant's uploads and key changes out
     * for good, as a node "holding no version the files use", on the node that wrapped them.
     */
    @Test
    void slotsOnlyUnderAVersionThisNodeHoldsDisabled_doNotRefuseItsFirstUpload() throws IOException {
        nodeA.upload(alice, "/inbox/v1.csv", "wrapped by A's version 1");
        nodeA.core().keyRotation().rotate(ACME, false);
        nodeA.keys().disable(new KekId("acme", 1));
        nodes.forgetRecordedVersions();

        nodeA.upload(alice, "/inbox/v2.csv", "A's version 2, recorded");

        assertThat(nodes.recorded()).containsExactly(1, 2);
        assertThat(nodeA.read(alice, "/inbox/v2.csv")).isEqualTo("A's version 2, recorded");
    }

    /**
     * Review22c L2: each retry of a refused upload is proven again under the tenant's row lock, and counted every one
     * of the tenant's stored data keys for the refusal's message: a client retrying in a loop made the gateway read all
     * of its slots each time. It counts up to {@value TenantKeyProof#COUNTED} + 1 now, and says "more than"; still
     * refused, as forked, recording nothing.
     */
    @Test
    void aRefusedUploadsRetry_countsNoMoreThanABoundOfTheTenantsDataKeys_andIsStillRefused() {
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 1");
        storeCopiesOfItsKeySlot(TenantKeyProof.COUNTED + 500);
        nodes.forgetRecordedVersions();
        nodeB.keys().ensureTenant("acme");

        for (int retry = 0; retry < 2; retry++) {
            assertThatThrownBy(() -> nodeB.upload(alice, "/inbox/by-b.csv", "refused"))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                        assertThat(e.getCause()).isInstanceOfSatisfying(TenantKeyMismatch.class, cause -> {
                            assertThat(cause.version()).isEqualTo(1);
                            assertThat(cause.wrappedKeys()).isEqualTo(TenantKeyProof.COUNTED + 1L);
                            assertThat(cause.getMessage()).contains("and more than " + TenantKeyProof.COUNTED
                                    + " data key(s) of its files are stored");
                        });
                    });
        }
        assertThat(nodes.recorded()).as("nothing recorded").isEmpty();
    }

    /**
     * Review23b: only a client's upload, retried in a loop, counts the tenant's data keys up to a bound; the
     * administrator's {@code tenant add} counts them all, and its refusal named that exact count "more than 1000"
     * too. It names the count now, as a refusal for want of any key of the tenant ({@link TenantKeyElsewhere}) does.
     */
    @Test
    void theAdministratorsRefusedCompletion_namesTheExactCountOfStoredDataKeys() {
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 1");
        storeCopiesOfItsKeySlot(TenantKeyProof.COUNTED + 500);
        nodes.forgetRecordedVersions();
        nodeB.keys().ensureTenant("acme"); // another key under version 1

        assertThatThrownBy(() -> nodeB.core().administration().addTenant(NewTenant.of(ACME)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getCause()).isInstanceOfSatisfying(TenantKeyMismatch.class, cause -> {
                        assertThat(cause.version()).isEqualTo(1);
                        assertThat(cause.wrappedKeys()).isEqualTo(TenantKeyProof.COUNTED + 501L);
                    });
                    assertThat(e.clientMessage()).contains("and " + (TenantKeyProof.COUNTED + 501)
                            + " data key(s) of its files are stored").doesNotContain("more than");
                });
        assertThat(nodes.recorded()).as("nothing recorded").isEmpty();
    }

    /**
     * Stores {@code copies} more files of acme, each with a copy of the key slot of acme's one file: slots under its
     * version 1 that no key opens (their wrap names another file), ids above every real one ({@code f_z...}).
     */
    private void storeCopiesOfItsKeySlot(int copies) {
        nodeA.database().inTransaction(jdbc -> {
            String file = jdbc.query("SELECT file_id FROM key_slots WHERE kek_tenant = 'acme'", row -> row.getString(1))
                    .get(0);
            String numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) ";
            jdbc.update(numbers + "INSERT INTO files (id, tenant_id, account_id, path, state, object_id, size, sha256, "
                    + "created_at, updated_at, committed_at, node_id) SELECT 'f_z' || CAST(i AS VARCHAR(10)), "
                    + "tenant_id, account_id, path || '.' || CAST(i AS VARCHAR(10)), state, object_id, size, sha256, "
                    + "created_at, updated_at, committed_at, node_id FROM files, n WHERE id = ?", copies, file);
            jdbc.update(numbers + "INSERT INTO key_slots (file_id, provider, kek_tenant, kek_version, wrapped) "
                    + "SELECT 'f_z' || CAST(i AS VARCHAR(10)), provider, kek_tenant, kek_version, wrapped "
                    + "FROM key_slots, n WHERE file_id = ?", copies, file);
            return null;
        });
    }

    private static double outOfStep(TestCore node, String reason) {
        return node.core().metrics().registry().get(KekOutOfStep.METER).tag("reason", reason).gauge().value();
    }

    /** Node A's keys, but version 1 of acme is another node's key: its unwraps go there. */
    private static final class Version1From extends DelegatingKeyProvider {

        private final KeyProvider other;

        Version1From(KeyProvider keys, KeyProvider other) {
            super(keys);
            this.other = other;
        }

        @Override
        public DataKey unwrap(EnvelopeContext ctx, KeySlot slot) {
            return slot.kek().version() == 1 ? other.unwrap(ctx, slot) : super.unwrap(ctx, slot);
        }
    }
}
