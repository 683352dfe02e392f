package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Administration#addTenant(NewTenant)} of a tenant an older gateway left half-created, whose key no node made
 * (its row, no recorded KEK version): a stated name or password login other than the recorded one is refused before
 * the completion's {@code --new-key} writes the keystore, recording nothing; the maximum file size asked is set in the
 * completion's transaction, audited (review22c L5). Runs on SQLite and, with
 * {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class TenantCompletionSettingsTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private TestCore node;

    @BeforeEach
    void halfCreatedTenant() {
        node = TestCore.create(home);
        node.database().inTransaction(jdbc -> {
            new TenantRepository().insert(jdbc, Tenant.create(ACME, "Acme as first created", Instant.now()));
            return null;
        });
    }

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void anotherNameOrPasswordLogin_isRefusedBeforeTheKeystoreChanges_andTheMaxFileSizeIsSetWithTheCompletion() {
        NewTenant renamed = NewTenant.of(ACME).named("Acme", "--name").withPasswordLogin(true, "--allow-password")
                .withNewKey(true);

        assertThatThrownBy(() -> node.core().administration().addTenant(renamed))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getCause()).isInstanceOfSatisfying(TenantSettingsRecorded.class,
                            cause -> assertThat(cause.options()).containsExactly("--name", "--allow-password"));
                });
        assertThat(node.keys().versions("acme")).as("no key made").isEmpty();
        assertThat(recordedVersions()).as("nothing recorded").isZero();

        TenantAdded added = node.core().administration().addTenant(NewTenant.of(ACME)
                .named("Acme as first created", "--name").withPasswordLogin(false, "passwordLogin")
                .withMaxFileBytes(4096).withNewKey(true));

        assertThat(added.created()).isFalse();
        assertThat(added.tenant().maxFileSize()).isEqualTo(4096);
        assertThat(node.core().administration().tenant(ACME).orElseThrow().maxFileSize()).isEqualTo(4096);
        assertThat(node.keys().versions("acme")).containsExactly(1);
        assertThat(recordedVersions()).isEqualTo(1);
        long updates = node.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE event LIKE "
                + "'%TENANT_UPDATED%'"));
        assertThat(updates).as("the completion and the file size, each audited").isEqualTo(2);
    }

    /**
     * Review23b: the gateway's own entry point for creating a tenant (demo set-up, tests) completed a half-created one
     * keeping its recorded name and password login without a word when given others, what L5 removed from
     * {@code tenant add}. It states both now: another is refused, naming the setting, before the completion.
     */
    @Test
    void createTenant_statesItsNameAndPasswordLogin_soACompletionWithOthersIsRefused() {
        for (boolean passwordLogin : new boolean[] {false, true}) {
            String name = passwordLogin ? "Acme as first created" : "Acme";
            assertThatThrownBy(() -> node.core().administration().createTenant(ACME, name, passwordLogin))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                        assertThat(e.getCause()).isInstanceOfSatisfying(TenantSettingsRecorded.class, cause ->
                                assertThat(cause.options()).containsExactly(passwordLogin ? "passwordLogin" : "name"));
                    });
        }
        assertThat(node.core().administration().tenant(ACME).orElseThrow().name()).isEqualTo("Acme as first created");
        assertThat(recordedVersions()).as("nothing recorded").isZero();
    }

    private long recordedVersions() {
        return node.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM kek_versions WHERE kek_tenant = 'acme'"));
    }
}
