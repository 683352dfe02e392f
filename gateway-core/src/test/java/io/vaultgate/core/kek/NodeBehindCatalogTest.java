package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.report.WorkProgress;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Two nodes of a scale-out on one catalog and one object store, each with its own copy of the keystore, as the
 * {@code keystore} provider has them: node A changes the tenant's KEKs, node B's copy stays behind until the test
 * copies A's file over it. B must fail closed from the moment A's change is in the catalog: no new data key wrapped
 * by the older (compromised) version, nothing unwrapped with a version A disabled, no rotation forking the versions;
 * and work again once its keystore is copied. Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql},
 * with both nodes on one PostgreSQL database.
 */
class NodeBehindCatalogTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private TestCore nodeA;
    private TestCore nodeB;
    private ClientPrincipal alice;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(KekRefusals.class);

    @BeforeEach
    void twoNodesWithTheirOwnKeystores() throws IOException {
        nodeA = TestCore.create(home);
        alice = nodeA.client("acme", "alice", Protocol.SFTP);
        nodeB = nodeA.secondNode();
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void close() {
        logger.detachAppender(logged);
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    @Test
    void afterAnEmergencyRotationOnNodeA_nodeBRefusesNewUploads_untilItsKeystoreIsCopied() throws IOException {
        nodeB.upload(alice, "/inbox/before.csv", "stored by node B");

        nodeA.core().keyRotation().emergencyRotate(ACME, WorkProgress.NONE);

        assertThatThrownBy(() -> nodeB.upload(alice, "/inbox/after.csv", "refused"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.clientMessage()).isEqualTo(KeystoreBehindCatalog.CLIENT_MESSAGE);
                    assertThat(e.getMessage()).isEqualTo("this node's keystore is behind the catalog: KEK version 2 "
                            + "of tenant acme is active (this node's keystore has version 1); copy keys/kek.p12 from "
                            + "the node that rotated it");
                    assertThat(e.getCause()).isInstanceOf(KeystoreBehindCatalog.class);
                });
        assertThatThrownBy(() -> nodeB.upload(alice, "/inbox/after.csv", "refused again"))
                .isInstanceOf(GatewayException.class);
        assertThat(behindRefusals()).isEqualTo(2.0);
        assertThat(logged.list).filteredOn(event -> event.getLevel() == Level.WARN).hasSize(1)
                .allMatch(event -> event.getFormattedMessage().contains("KEK version 2 of tenant acme is active"));
        assertThat(rows("SELECT COUNT(*) FROM files WHERE tenant_id = 'acme'")).as("only before.csv").isEqualTo(1);
        assertThat(rows("SELECT COUNT(*) FROM key_slots WHERE kek_tenant = 'acme' AND kek_version < 2")).isZero();
        assertThat(nodeA.read(alice, "/inbox/before.csv")).isEqualTo("stored by node B");

        nodeA.copyKeystoreTo(nodeB);

        nodeB.upload(alice, "/inbox/after.csv", "accepted");
        assertThat(rows("SELECT COUNT(*) FROM key_slots WHERE kek_tenant = 'acme' AND kek_version < 2")).isZero();
        assertThat(nodeB.read(alice, "/inbox/before.csv")).isEqualTo("stored by node B");
        assertThat(nodeA.read(alice, "/inbox/after.csv")).isEqualTo("accepted");
    }

    @Test
    void aVersionNodeADisabled_isRefusedForUnwrappingOnNodeB_thoughItsKeystoreStillHoldsIt() throws IOException {
        nodeB.upload(alice, "/inbox/old.csv", "wrapped by version 1");
        List<Object> slotBefore = nodeA.database().read(jdbc -> jdbc.query("SELECT file_id, wrapped FROM key_slots "
                + "WHERE kek_tenant = 'acme'", row -> List.<Object>of(row.getString(1), row.getString(2)))).get(0);
        nodeA.core().keyRotation().emergencyRotate(ACME, WorkProgress.NONE);
        nodeA.core().keyRotation().disable(ACME, 1);
        // an older copy of the catalog (a restored backup) still has the slot wrapped by version 1
        nodeA.database().inTransaction(jdbc -> jdbc.update("UPDATE key_slots SET kek_version = 1, wrapped = ? "
                + "WHERE file_id = ?", slotBefore.get(1), slotBefore.get(0)));

        assertThatThrownBy(() -> nodeB.read(alice, "/inbox/old.csv"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INTERNAL);
                    assertThat(e.getCause()).isInstanceOf(CryptoException.KeyDisabled.class)
                            .hasMessageContaining("KEK acme/v1 is disabled in the catalog");
                });

        nodeA.copyKeystoreTo(nodeB);
        assertThatThrownBy(() -> nodeB.read(alice, "/inbox/old.csv")).isInstanceOf(GatewayException.class)
                .hasCauseInstanceOf(CryptoException.KeyDisabled.class);
        assertThat(nodeB.core().metrics().registry().get(KekRefusals.METER).tag("reason", "disabled").counter()
                .count()).as("both downloads' refusals are counted where they are scraped").isEqualTo(2.0);
    }

    @Test
    void aFileWrappedByAVersionNodeBLacks_isUnavailableOnNodeB_notAFault_untilItsKeystoreIsCopied() throws IOException {
        nodeA.core().keyRotation().rotate(ACME, false);
        nodeA.upload(alice, "/inbox/new.csv", "wrapped by version 2");

        assertThatThrownBy(() -> nodeB.read(alice, "/inbox/new.csv"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.getCause()).isInstanceOf(KeystoreBehindCatalog.class);
                });

        nodeA.copyKeystoreTo(nodeB);
        assertThat(nodeB.read(alice, "/inbox/new.csv")).isEqualTo("wrapped by version 2");
    }

    @Test
    void everyRefusalOfNodeB_uploadDownloadAndRotation_isCountedInItsScrapedMeter_andLoggedOnceForTheNode() {
        nodeA.core().keyRotation().rotate(ACME, false);
        nodeA.upload(alice, "/inbox/new.csv", "wrapped by version 2");

        assertThatThrownBy(() -> nodeB.upload(alice, "/inbox/refused.csv", "refused"))
                .hasCauseInstanceOf(KeystoreBehindCatalog.class);
        assertThatThrownBy(() -> nodeB.read(alice, "/inbox/new.csv")).hasCauseInstanceOf(KeystoreBehindCatalog.class);
        assertThatThrownBy(() -> nodeB.read(alice, "/inbox/new.csv")).hasCauseInstanceOf(KeystoreBehindCatalog.class);
        assertThatThrownBy(() -> nodeB.core().keyRotation().rotate(ACME, false))
                .hasCauseInstanceOf(KeystoreBehindCatalog.class);

        assertThat(behindRefusals()).as("the upload, both downloads and the rotation").isEqualTo(4.0);
        assertThat(logged.list).filteredOn(event -> event.getLevel() == Level.WARN).as("one node, one WARN").hasSize(1);
    }

    @Test
    void nodeBBehind_refusesToRotateOrRewrap_ratherThanMakeASecondVersion2() {
        nodeA.core().keyRotation().rotate(ACME, false);

        assertThatThrownBy(() -> nodeB.core().keyRotation().rotate(ACME, false))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.clientMessage()).as("an administrator is told the cause and the fix")
                            .contains("KEK version 2 of tenant acme is active", "copy keys/kek.p12");
                    assertThat(e.getCause()).isInstanceOf(KeystoreBehindCatalog.class);
                });
        assertThatThrownBy(() -> nodeB.core().keyRotation().rewrap(ACME))
                .hasCauseInstanceOf(KeystoreBehindCatalog.class);
        assertThat(nodeB.keys().versions("acme")).containsExactly(1);
    }

    @Test
    void aShredOnNodeA_isRecorded_andNodeBRefusesEveryVersionOfTheTenant_thoughItsKeystoreStillHoldsThem()
            throws Exception {
        nodeA.core().keyRotation().rotate(ACME, false);
        nodeA.core().tenantShredding().shred(ACME, "contract ended", "admin");

        assertThat(nodeB.keys().versions("acme")).containsExactly(1);
        KekCatalog catalogOfB = new KekCatalog(nodeB.database(), nodeB.keys(), KekRefusals.unmetered(),
                Clock.systemUTC());
        for (int version = 1; version <= 2; version++) {
            KekId kek = new KekId("acme", version);
            assertThatThrownBy(() -> nodeB.database().read(jdbc -> {
                catalogOfB.requireUsable(jdbc, kek);
                return null;
            })).isInstanceOf(CryptoException.KeyDestroyed.class).hasMessageContaining("destroyed in the catalog");
        }
    }


    private double behindRefusals() {
        return nodeB.core().metrics().registry().get(KekRefusals.METER).tag("reason", KekRefusals.BEHIND).counter()
                .count();
    }

    private long rows(String sql) {
        return nodeA.database().read(jdbc -> jdbc.count(sql));
    }
}
