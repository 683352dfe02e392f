package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.admin.NewTenant;
import io.vaultgate.core.admin.TenantAdded;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeySlot;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Review23 L3: the administrator's completion ({@code tenant add}) of a tenant the catalog records without any KEK
 * version proved this node's key on the three lowest file ids of each version, any one opening. A fork that wrapped
 * some of the tenant's files under the same version number with another key (node B's) went unseen, and recording
 * node A's key left those files unreadable. Up to {@link TenantKeyProof#SAMPLED} slots are tried now; where some do
 * not open, the completion is refused, recording nothing, unless the administrator accepts it ({@code --accept-fork}).
 * Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class CompletionSampleTest extends KeystoreCopiedBeforeAcme {

    private static final TenantId ACME = TenantId.of("acme");
    private static final int FILES = 12;

    @BeforeEach
    void twelveFilesOfAcme_theLastFourWrappedByNodeBsKeyUnderVersion1_andNoVersionRecorded() {
        for (int i = 0; i < FILES; i++) {
            nodeA.upload(alice, "/inbox/f" + i + ".csv", "file " + i);
        }
        nodeB.keys().ensureTenant("acme"); // another key under version 1
        List<String> ids = fileIds();
        for (String id : ids.subList(FILES - 4, FILES)) { // the highest ids: never among the three tried before
            wrapByNodeB(id);
        }
        nodes.forgetRecordedVersions();
    }

    /** Failed before the change: the completion recorded A's key, having tried the three lowest ids only. */
    @Test
    void aKeyOpeningOnlySomeOfTheTenantsDataKeys_isRefusedTheCompletion_namingHowManyAndTheOption() {
        assertThatThrownBy(() -> nodeA.core().administration().addTenant(NewTenant.of(ACME)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getCause()).isInstanceOfSatisfying(TenantKeyPartlyOpened.class, cause ->
                            assertThat(cause.unopened()).containsExactly(Map.entry(1, 4)));
                    assertThat(e.clientMessage()).contains("opens only some of the stored data keys of tenant acme",
                            "4 key slot(s) of KEK version 1 of 12 tried fail authentication under it",
                            "nothing was recorded", "vaultgate tenant add acme --accept-fork");
                });
        assertThat(nodes.recorded()).as("nothing recorded").isEmpty();
    }

    /** New option (failed before: no such option): the administrator accepts the unopened files, audited. */
    @Test
    void withAcceptFork_theKeyIsRecorded_theCompletionSaysHowManyDidNotOpen_andTheOthersRead() throws IOException {
        TenantAdded added = nodeA.core().administration().addTenant(NewTenant.of(ACME).withAcceptFork(true));

        assertThat(added.completion()).hasValueSatisfying(done -> assertThat(done.audited()).contains(
                "acme KEK version 1 recorded", "4 key slot(s) of KEK version 1 of 12 tried did not open with it",
                "--accept-fork"));
        assertThat(nodes.recorded()).containsExactly(1);
        String opening = fileIds().get(0);
        String path = nodeA.database().read(jdbc -> jdbc.queryOne("SELECT path FROM files WHERE id = ?",
                row -> row.getString(1), opening)).orElseThrow();
        assertThat(nodeA.read(alice, path)).startsWith("file ");
    }

    /** Guards the L5 refusal, unchanged: a version none of whose slots opens is refused, --accept-fork or not. */
    @Test
    void aKeyOpeningNoneOfTheTenantsDataKeys_isRefusedAsMismatched_evenWithAcceptFork() {
        for (String id : fileIds().subList(0, FILES - 4)) {
            wrapByNodeB(id);
        }

        assertThatThrownBy(() -> nodeA.core().administration().addTenant(NewTenant.of(ACME).withAcceptFork(true)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getCause()).isInstanceOf(TenantKeyMismatch.class);
                });
        assertThat(nodes.recorded()).isEmpty();
    }

    /** Node B's key wraps a new data key for the file: its slot is another key's under version 1. */
    private void wrapByNodeB(String id) {
        KeySlot ofB = nodeB.keys().wrap(new EnvelopeContext("acme", id), DataKey.generate());
        nodeA.database().inTransaction(jdbc -> jdbc.update("UPDATE key_slots SET wrapped = ? WHERE file_id = ?",
                Base64.getEncoder().encodeToString(ofB.wrapped()), id));
    }

    private List<String> fileIds() {
        return nodeA.database().read(jdbc -> jdbc.query("SELECT file_id FROM key_slots WHERE kek_tenant = 'acme' "
                + "ORDER BY file_id", row -> row.getString(1)));
    }
}
