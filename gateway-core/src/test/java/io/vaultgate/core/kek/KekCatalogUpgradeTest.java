package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.OldCatalog;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.keystore.KdfParams;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single node upgraded from a catalog before V24, which recorded no KEK versions, with a keystore whose tenant was
 * rotated and had its first version disabled: nothing is refused, and the node records what its keystore holds, so
 * that nodes added later are checked against it; and the key slots an old catalog holds tell which versions exist,
 * so that a node whose keystore lacks one is refused from the start. On SQLite, or PostgreSQL with
 * {@code -Dvaultgate.test.catalog=postgresql}.
 */
class KekCatalogUpgradeTest {

    @TempDir
    Path home;
    private OldCatalog old;
    private TestCore node;

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
        if (old != null) {
            old.close();
        }
    }

    @Test
    void aCatalogAtV22_isUpgraded_nobodyIsLockedOut_andTheNodeRecordsItsKeystore() throws SQLException, IOException {
        try (KeystoreKeyProvider keys = KeystoreKeyProvider.create(home.resolve("kek.p12"),
                MasterSecret.fromBytes("test master secret, not for production".getBytes()),
                new KdfParams(1024, 1, 1))) {
            keys.ensureTenant("acme");
            keys.rotate("acme");
            keys.disable(new KekId("acme", 1));
        }
        old = OldCatalog.at(22, home, "INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', "
                + "'Acme', 'ACTIVE', 'SFTP', 0)");

        node = TestCore.over(home, old.upgraded());
        assertThat(recorded()).as("the catalog knew no key slot of the tenant").isEmpty();
        ClientPrincipal alice = node.client("acme", "alice", Protocol.SFTP);
        node.upload(alice, "/inbox/report.csv", "after the upgrade");

        assertThat(node.read(alice, "/inbox/report.csv")).isEqualTo("after the upgrade");
        assertThat(recorded()).containsExactly("1 DISABLED", "2 ENABLED");
    }

    @Test
    void aCatalogAtV22WithKeySlotsOfVersion2_refusesUploadsOnANodeWhoseKeystoreLacksIt() throws SQLException {
        old = OldCatalog.at(22, home, "INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', "
                        + "'Acme', 'ACTIVE', 'SFTP', 0)",
                "INSERT INTO files (id, tenant_id, account_id, path, state, object_id, size, created_at, updated_at) "
                        + "VALUES ('f_1', 'acme', 'acc_1', '/inbox/a.csv', 'COMMITTED', '" + "0".repeat(32) + "', 1, "
                        + "0, 0)",
                "INSERT INTO key_slots (file_id, provider, kek_tenant, kek_version, wrapped) VALUES ('f_1', "
                        + "'keystore', 'acme', 2, 'AAAA')");

        node = TestCore.over(home, old.upgraded()); // a new keystore, whose acme is at version 1
        assertThat(recorded()).containsExactly("2 ENABLED");
        node.keys().ensureTenant("acme");
        ClientPrincipal alice = node.client("acme", "alice", Protocol.SFTP);

        assertThatThrownBy(() -> node.upload(alice, "/inbox/report.csv", "refused"))
                .hasCauseInstanceOf(KeystoreBehindCatalog.class);
    }

    private List<String> recorded() {
        return node.database().read(jdbc -> jdbc.query("SELECT version, state FROM kek_versions WHERE kek_tenant = "
                + "'acme' ORDER BY version", row -> row.getInt(1) + " " + row.getString(2)));
    }
}
