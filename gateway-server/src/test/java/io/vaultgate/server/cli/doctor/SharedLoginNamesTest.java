package io.vaultgate.server.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A name an older catalog gave twice (the V21 upgrade keeps such names) is a finding, until one holder is gone. */
class SharedLoginNamesTest {

    @TempDir
    Path home;
    private Database database;

    @BeforeEach
    void catalog() {
        database = Database.sqlite(home.resolve("catalog.db"));
        database.inTransaction(jdbc -> {
            jdbc.update("INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', 'Acme', "
                    + "'ACTIVE', 'SFTP', 0)");
            jdbc.update("INSERT INTO accounts (id, tenant_id, username, created_at) VALUES ('acc_1', 'acme', 'maria', "
                    + "0)");
            jdbc.update("INSERT INTO accounts (id, tenant_id, username, created_at) VALUES ('acc_2', 'acme', 'alice', "
                    + "0)");
            jdbc.update("INSERT INTO admins (name, created_at) VALUES ('maria', 0)");
            return jdbc.update("INSERT INTO admins (name, created_at) VALUES ('root', 0)");
        });
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aNameHeldByAnAccountAndAnAdministrator_appears_untilTheAdministratorIsGone() throws Exception {
        assertThat(Doctor.examine(context())).filteredOn(finding -> finding.check().equals("login-name"))
                .singleElement().satisfies(finding -> {
                    assertThat(finding.subject()).isEqualTo("name maria");
                    assertThat(finding.fix()).contains("vaultgate admin remove maria");
                });

        database.inTransaction(jdbc -> jdbc.update("DELETE FROM admins WHERE name = 'maria'"));
        assertThat(new SharedLoginNames().run(context())).isEmpty();
    }

    private DoctorContext context() {
        return DoctorContexts.of(Map.of("home", home.toString()), database);
    }
}
