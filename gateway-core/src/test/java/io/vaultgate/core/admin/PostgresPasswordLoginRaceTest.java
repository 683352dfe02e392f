package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.PostgresDatabases;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password set on one node while another node switches the tenant to refusing passwords, on one PostgreSQL catalog
 * where the two transactions really interleave (review31 L11): both read the tenant's row under its lock, so the
 * password is either set before the switch (its audit record comes first in the chain, which orders commits) or
 * refused, and stored nowhere. Read without the lock, a password checked against the tenant as it was before the
 * switch would be stored after it.
 */
class PostgresPasswordLoginRaceTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final String PASSWORD = "correct horse battery staple";
    private static final String REFUSED = "\"subject\":\"acme password login refused\"";

    @TempDir
    Path home;
    private String name;
    private TestCore setting;
    private TestCore switching;

    @BeforeEach
    void twoNodesOnOneCatalog() {
        name = PostgresDatabases.createMigrated();
        setting = TestCore.over(home, PostgresDatabases.open(name));
        setting.core().administration().createTenant(ACME, "Acme", true);
        switching = TestCore.over(home, PostgresDatabases.open(name)); // its keystore copy holds the tenant's key
    }

    @AfterEach
    void stopNodes() {
        switching.close();
        setting.close();
        PostgresDatabases.drop(name);
    }

    @Test
    void aPasswordSet_whileAnotherNodeSwitchesTheTenantToRefusing_isSetBeforeTheSwitchOrRefused() throws Exception {
        Administration admin = setting.core().administration();
        admin.createAccount(ACME, "acme-alone");
        long alone = PasswordRace.timed(() -> admin.setPassword("acme-alone", PASSWORD.toCharArray()));
        int set = 0;
        for (int round = 0; round < PasswordRace.ROUNDS; round++) {
            admin.setPasswordLogin(ACME, true);
            String username = "acme-race-" + round;
            admin.createAccount(ACME, username);

            PasswordRace.Round outcome = PasswordRace.run(round, alone,
                    () -> admin.setPassword(username, PASSWORD.toCharArray()),
                    () -> switching.core().administration().setPasswordLogin(ACME, false));

            List<String> audit = Arrays.asList(setting.auditOf(ACME).split("\n"));
            int passwordRecord = indexOf(audit, "\"subject\":\"" + username + " password\"");
            if (outcome.stored()) {
                set++;
                assertThat(passwordHash(username)).as("round %d: set", round).isPresent();
                assertThat(passwordRecord).as("round %d: set before the switch", round).isNotNegative()
                        .isLessThan(lastIndexOf(audit, REFUSED));
            } else {
                assertThat(outcome.refusal().orElseThrow().getCause()).as("round %d", round)
                        .isInstanceOf(PasswordLoginRefused.class);
                assertThat(passwordHash(username)).as("round %d: refused, stored nowhere", round).isEmpty();
                assertThat(passwordRecord).as("round %d: nothing audited", round).isNegative();
            }
        }
        assertThat(set).as("both orders were run: set before the switch, refused after it")
                .isBetween(1, PasswordRace.ROUNDS - 1);
    }

    @Test
    void aPasswordSet_whileAnotherNodesSwitchHoldsTheTenantsRow_waitsForIt_andIsRefused() throws Exception {
        setting.core().administration().createAccount(ACME, "acme-pw");

        Future<Object> set = HeldLocks.whileHeld(setting.database(), jdbc -> jdbc.update(
                        "UPDATE tenants SET password_login = ? WHERE id = ?", false, ACME.value()), // the switch
                () -> {
                    switching.core().administration().setPassword("acme-pw", PASSWORD.toCharArray());
                    return null;
                });

        assertThatThrownBy(() -> set.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getCause())
                        .isInstanceOf(PasswordLoginRefused.class));
        assertThat(passwordHash("acme-pw")).as("stored nowhere").isEmpty();
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<String> lines, String part) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private Optional<String> passwordHash(String username) {
        return PasswordRace.storedHash(setting.database(), username);
    }
}
