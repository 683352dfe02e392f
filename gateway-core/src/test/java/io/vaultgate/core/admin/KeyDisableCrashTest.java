package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.audit.AuditRecord;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.kek.KekRefusals;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate keys disable} is crash-consistent (crash-consistency audit L2): the catalog's record of the disabled
 * version and its {@code key.operation DISABLE} record commit in one transaction, before this node's keystore changes.
 * Each crash point (injected: the audit append fails; the keystore write fails after the commit, the node then
 * restarted) leaves the old state, or the new one refused everywhere with its one record, which the command run again
 * completes in the keystore. It used to write the keystore, then the catalog, then the audit record, each on its own.
 * Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class KeyDisableCrashTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final KekId V1 = new KekId("acme", 1);
    private static final GatewayCore.Settings SETTINGS = new GatewayCore.Settings(Duration.ofHours(24), 64);

    @TempDir
    Path home;

    /** acme with version 2 active and no key slot under version 1; the node stopped. */
    @BeforeEach
    void rotated() {
        try (TestCore test = TestCore.create(home, SETTINGS)) {
            test.client("acme", "acme-up", Protocol.SFTP);
            test.core().keyRotation().rotate(ACME, false);
        }
    }

    /** The old order left the keystore and the catalog changed and no record; now nothing changes. */
    @Test
    void aDisableWhoseAuditRecordFails_changesNeitherTheCatalogNorTheKeystore() {
        try (TestCore test = TestCore.reopen(home, SETTINGS)) {
            KeyRotation dying = new KeyRotation(test.database(), new TenantRepository(), new FileRepository(),
                    test.keys(), failingOnKeyOperations(test.core().audit()), "cli:alice", Clock.systemUTC(),
                    new KekCatalog(test.database(), test.keys(), KekRefusals.unmetered(), Clock.systemUTC()));

            assertThatThrownBy(() -> dying.disable(ACME, 1)).hasMessageContaining("simulated crash");

            assertThat(recordedState(test, 1)).as("the catalog").isEqualTo("ENABLED");
            assertThat(test.keys().disabledVersions("acme")).as("the keystore").isEmpty();
            assertThat(disableRecords(test)).isZero();

            assertThat(test.core().keyRotation().disable(ACME, 1)).isEqualTo(V1);
            assertThat(disableRecords(test)).isEqualTo(1);
            assertThat(test.keys().disabledVersions("acme")).containsExactly(1);
        }
    }

    /**
     * Cut off after the catalog's commit, before the keystore write: refused on every node, audited once; the keystore
     * still holds it enabled (as a node's copy behind the catalog would); the command run again after the restart
     * completes the keystore with no second record, and a third run finds nothing to do.
     */
    @Test
    void aDisableCutOffBeforeItsKeystoreWrite_isRefusedAndAuditedOnce_andTheRerunCompletesTheKeystore() {
        try (TestCore dying = TestCore.sharing(home, DiesBeforeTheKeystoreWrite::new, SETTINGS)) {
            assertThatThrownBy(() -> dying.core().keyRotation().disable(ACME, 1))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason())
                            .isEqualTo(Reason.UNAVAILABLE))
                    .hasMessageContaining("simulated crash before the keystore write")
                    .hasMessageContaining("acme/v1 is disabled in the catalog (every node refuses it; audited)")
                    .hasMessageContaining("the node's next start completes it, or run this command again");
        }
        try (TestCore restarted = TestCore.reopen(home, SETTINGS)) {
            assertThat(recordedState(restarted, 1)).isEqualTo("DISABLED");
            assertThat(disableRecords(restarted)).isEqualTo(1);
            assertThat(restarted.keys().disabledVersions("acme")).as("the keystore's write was cut off").isEmpty();
            KekCatalog catalog = new KekCatalog(restarted.database(), restarted.keys(), KekRefusals.unmetered(),
                    Clock.systemUTC());
            assertThatThrownBy(() -> restarted.database().read(jdbc -> {
                catalog.requireUsable(jdbc, V1);
                return null;
            })).as("no node unwraps with it, whatever its keystore holds")
                    .isInstanceOf(CryptoException.KeyDisabled.class);

            assertThat(restarted.core().keyRotation().disable(ACME, 1)).isEqualTo(V1);

            assertThat(restarted.keys().disabledVersions("acme")).as("completed").containsExactly(1);
            assertThat(disableRecords(restarted)).as("no second record").isEqualTo(1);
            assertThatThrownBy(() -> restarted.core().keyRotation().disable(ACME, 1))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason())
                            .isEqualTo(Reason.NOT_FOUND))
                    .hasMessageContaining("has no enabled KEK version 1 (it is disabled)");
            assertThat(disableRecords(restarted)).isEqualTo(1);
        }
    }

    /**
     * What the old order left when cut off after its keystore write: disabled in the keystore, enabled in the catalog,
     * no record. The command run again records and audits it (it was refused: "no enabled KEK version 1").
     */
    @Test
    void aVersionDisabledInTheKeystoreOnly_isRecordedAndAuditedByTheRerun() {
        try (TestCore test = TestCore.reopen(home, SETTINGS)) {
            test.keys().disable(V1);

            assertThat(test.core().keyRotation().disable(ACME, 1)).isEqualTo(V1);

            assertThat(recordedState(test, 1)).isEqualTo("DISABLED");
            assertThat(disableRecords(test)).isEqualTo(1);
        }
    }

    /** A node whose keystore write dies once the catalog has committed: what a crash between the two leaves. */
    private static final class DiesBeforeTheKeystoreWrite extends DelegatingKeyProvider {
        DiesBeforeTheKeystoreWrite(io.vaultgate.crypto.KeyProvider delegate) {
            super(delegate);
        }

        @Override
        public void disable(KekId kek) {
            throw new IllegalStateException("simulated crash before the keystore write");
        }
    }

    private static AuditLog failingOnKeyOperations(AuditLog audit) {
        return new AuditLog() {
            @Override
            public AuditRecord append(AuditEvent event) {
                if (event instanceof AuditEvent.KeyOperation) {
                    throw new IllegalStateException("simulated crash before the audit append");
                }
                return audit.append(event);
            }

            @Override
            public AuditRecord append(Jdbc jdbc, AuditEvent event) throws SQLException {
                if (event instanceof AuditEvent.KeyOperation) {
                    throw new IllegalStateException("simulated crash before the audit append");
                }
                return audit.append(jdbc, event);
            }
        };
    }

    private static String recordedState(TestCore test, int version) {
        List<String> states = test.database().read(jdbc -> jdbc.query("SELECT state FROM kek_versions "
                + "WHERE kek_tenant = 'acme' AND version = ?", row -> row.getString(1), version));
        return states.isEmpty() ? "none" : states.get(0);
    }

    private static long disableRecords(TestCore test) {
        return test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE kind = "
                + "'key.operation' AND event LIKE '%\"DISABLE\"%'"));
    }
}
