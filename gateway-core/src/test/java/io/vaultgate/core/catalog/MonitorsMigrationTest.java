package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.testing.OldCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V23 makes the {@code usernames} table again, so that its kind check admits monitors (SQLite cannot change a check):
 * a catalog at V22 keeps every name it gave, with its holder, the name stays the table's key, and the check still
 * refuses a kind nobody knows. On the catalog the run uses (SQLite, or PostgreSQL with
 * {@code -Dvaultgate.test.catalog=postgresql}).
 */
class MonitorsMigrationTest {

    @TempDir
    Path home;
    private OldCatalog old;
    private TestCore test;

    @AfterEach
    void close() {
        if (test != null) {
            test.close();
        }
        if (old != null) {
            old.close();
        }
    }

    @Test
    void aCatalogAtV22_keepsEveryName_andTakesMonitorsNames() throws SQLException {
        old = OldCatalog.at(22, home,
                "INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', 'Acme', 'ACTIVE', "
                        + "'SFTP', 0)",
                "INSERT INTO accounts (id, tenant_id, username, created_at) VALUES ('acc_alice', 'acme', 'alice', 1)",
                "INSERT INTO usernames (name, principal_kind, principal_id) VALUES ('alice', 'account', 'acc_alice')",
                "INSERT INTO admins (name, created_at) VALUES ('root', 2)",
                "INSERT INTO usernames (name, principal_kind, principal_id) VALUES ('root', 'admin', 'root')");

        test = TestCore.over(home, old.upgraded());
        test.core().incidents().monitors().add("prometheus", "cli");

        assertThat(usernames()).containsExactly("alice account acc_alice", "prometheus monitor prometheus",
                "root admin root");
        assertConflict(() -> test.core().incidents().monitors().add("alice", "cli"));
        assertConflict(() -> test.core().incidents().administrators().add("prometheus", "cli"));
        assertThatThrownBy(() -> test.database().inTransaction(jdbc -> jdbc.update("INSERT INTO usernames (name, "
                + "principal_kind, principal_id) VALUES ('prometheus', 'monitor', 'prometheus')")))
                .as("the name is still the key").isInstanceOf(CatalogException.class);
        assertThatThrownBy(() -> test.database().inTransaction(jdbc -> jdbc.update("INSERT INTO usernames (name, "
                + "principal_kind, principal_id) VALUES ('robot', 'robot', 'robot')")))
                .as("the kind is still checked").isInstanceOf(CatalogException.class);
    }

    private List<String> usernames() {
        return test.database().read(jdbc -> jdbc.query("SELECT name, principal_kind, principal_id FROM usernames "
                + "ORDER BY name", row -> row.getString(1) + " " + row.getString(2) + " " + row.getString(3)));
    }

    private static void assertConflict(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
    }
}
