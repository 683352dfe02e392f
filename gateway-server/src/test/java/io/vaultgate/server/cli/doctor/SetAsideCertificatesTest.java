package io.vaultgate.server.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate the V25 upgrade set aside (an older catalog held it for two accounts) is a finding for each account,
 * naming the command that registers it to the right one, until its rows are cleared.
 */
class SetAsideCertificatesTest {

    private static final String FINGERPRINT = "ab".repeat(32);

    @TempDir
    Path home;
    private Database database;

    @BeforeEach
    void aCertificateSetAsideForTwoAccounts() {
        database = Database.sqlite(home.resolve("catalog.db"));
        database.inTransaction(jdbc -> {
            jdbc.update("INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', 'Acme', "
                    + "'ACTIVE', 'HTTPS', 0)");
            jdbc.update("INSERT INTO accounts (id, tenant_id, username, created_at) VALUES ('acc_1', 'acme', 'alice', "
                    + "0)");
            jdbc.update("INSERT INTO accounts (id, tenant_id, username, created_at) VALUES ('acc_2', 'acme', 'bob', 0)");
            for (String account : List.of("acc_1", "acc_2")) {
                jdbc.update("INSERT INTO account_certificate_conflicts (account_id, fingerprint, subject, created_at) "
                        + "VALUES (?, ?, 'CN=acme-app', 0)", account, FINGERPRINT);
            }
            return null;
        });
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void eachAccountOfASetAsideCertificate_isAFinding_untilItIsRegisteredAgain() throws Exception {
        assertThat(Doctor.examine(context())).filteredOn(finding -> finding.check().equals("client-certificate"))
                .extracting(Finding::subject).containsExactly("account acme/alice certificate " + FINGERPRINT,
                        "account acme/bob certificate " + FINGERPRINT);
        assertThat(new SetAsideCertificates().run(context())).allSatisfy(finding -> {
            assertThat(finding.problem()).contains("CN=acme-app", "more than one account");
            assertThat(finding.fix()).contains("vaultgate account add-cert USER --client-cert FILE");
        });

        database.inTransaction(jdbc -> jdbc.update("DELETE FROM account_certificate_conflicts"));
        assertThat(new SetAsideCertificates().run(context())).isEmpty();
    }

    /**
     * uxreview F1's other per-tenant check: a shredded tenant's accounts take no certificate, and its fix (`account
     * add-cert`) is refused for them; a shred cut off before its purge cleared the rows is the tenant-shred finding.
     */
    @Test
    void aShreddedTenantsAccounts_areNotAFinding() throws Exception {
        database.inTransaction(jdbc -> jdbc.update("UPDATE tenants SET status = 'SHREDDED' WHERE id = 'acme'"));

        assertThat(new SetAsideCertificates().run(context())).isEmpty();
    }

    private DoctorContext context() {
        return DoctorContexts.of(Map.of("home", home.toString()), database);
    }
}
