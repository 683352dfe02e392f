package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.admin.Administrators;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.OldCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog of the last version before V21 ({@code usernames}), holding accounts, operators (one removed) and
 * administrators, some of them sharing a name as older versions let them, upgraded by the gateway on the catalog the
 * run uses (SQLite, or PostgreSQL with {@code -Dvaultgate.test.catalog=postgresql}). The upgrade must not be refused,
 * every name given before must stay taken, and a shared name stays with one holder, accounts first.
 */
class UsernamesMigrationTest {

    private static final TenantId ACME = TenantId.of("acme");

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
    void aCatalogAtV20_isUpgraded_everyNameStaysTaken_andASharedNameKeepsOneHolder() throws SQLException {
        old = OldCatalog.at(20, home,
                "INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', 'Acme', 'ACTIVE', "
                        + "'SFTP', 0)",
                "INSERT INTO sites (id, name, created_at) VALUES ('manila', 'Manila', 0)",
                "INSERT INTO accounts (id, tenant_id, username, created_at) VALUES ('acc_alice', 'acme', 'alice', 1)",
                "INSERT INTO accounts (id, tenant_id, username, created_at) VALUES ('acc_shared', 'acme', 'shared', 2)",
                "INSERT INTO operators (id, site_id, username, created_at) VALUES ('op_maria', 'manila', 'maria', 3)",
                "INSERT INTO operators (id, site_id, username, created_at) VALUES ('op_shared', 'manila', 'shared', 4)",
                "INSERT INTO operators (id, site_id, username, created_at, removed_at) VALUES ('op_gone', 'manila', "
                        + "'gone', 5, 6)",
                "INSERT INTO admins (name, created_at) VALUES ('root', 7)",
                "INSERT INTO admins (name, created_at) VALUES ('second', 8)",
                "INSERT INTO admins (name, created_at) VALUES ('maria', 9)",
                "INSERT INTO admins (name, created_at) VALUES ('shared', 10)");

        test = TestCore.over(home, old.upgraded());

        assertThat(usernames()).containsExactly("alice account acc_alice", "gone operator op_gone",
                "maria operator op_maria", "root admin root", "second admin second", "shared account acc_shared");
        assertThat(test.database().read(new Usernames()::shared)).containsExactly("maria", "shared");
        Administrators administrators = test.core().incidents().administrators();
        assertConflict(() -> test.core().administration().createAccount(ACME, "gone"));
        assertConflict(() -> test.core().sites().createOperator("manila", "root"));
        assertConflict(() -> administrators.add("alice", "cli"));
        assertConflict(() -> test.core().administration().createAccount(ACME, "maria"));

        administrators.remove("shared", "shares its name with an account", "cli");
        assertConflict(() -> administrators.add("shared", "cli"));
        administrators.remove("root", "leaves", "cli");
        administrators.add("root", "cli");
        test.core().administration().createAccount(ACME, "bob");

        assertThat(usernames()).contains("root admin root", "shared account acc_shared")
                .anyMatch(row -> row.startsWith("bob account acc_"));
    }


    private List<String> usernames() {
        return test.database().read(jdbc -> jdbc.query("SELECT name, principal_kind, principal_id FROM usernames "
                + "ORDER BY name", row -> row.getString(1) + " " + row.getString(2) + " " + row.getString(3)));
    }

    private static void assertConflict(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
    }
}
