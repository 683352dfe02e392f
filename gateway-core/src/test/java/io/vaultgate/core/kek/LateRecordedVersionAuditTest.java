package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.admin.KeyRotation;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.KekId;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A KEK version that node A's keystore holds because a rotation's catalog transaction did not commit (its ROTATE
 * record went with it) is recorded by A's next upload, rotation or rewrap of the tenant: with a {@code key.operation
 * ROTATE} record of its own, appended as {@code system} in the transaction that records it, so every version the
 * catalog records has its audit record (it had none: only the next rotation's own version was audited). Runs on
 * SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class LateRecordedVersionAuditTest extends TwoKeystoreNodesSetUp {

    private static final TenantId ACME = TenantId.of("acme");

    @Override
    TwoKeystoreNodes startNodes(Path home) {
        return TwoKeystoreNodes.start(home);
    }

    @Test
    void aVersionRecordedLateByAnUploadsOpening_hasItsRotateRecord() {
        nodes.rotationOfACommitFails();
        KekCatalog catalogOfA = auditedCatalogOfA();

        nodeA.database().inTransaction(jdbc -> { // what an upload's opening on A does with a key A's version 2 wrapped
            catalogOfA.requireCurrent(jdbc, new KekId("acme", 2));
            return null;
        });

        assertThat(nodes.recorded()).containsExactly(1, 2);
        assertThat(rotateRecords()).containsExactly("system acme/v2 new KEK version 2, recorded late: this node's "
                + "keystore held it unrecorded (a rotation here whose catalog transaction did not commit)");
    }

    /** Through the node's own core (GatewayCore gives its KekCatalog the node's audit log): an upload on node A. */
    @Test
    void anUploadOnTheNode_recordsTheLateVersion_withItsRotateRecord() {
        nodes.rotationOfACommitFails();

        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 2");

        assertThat(nodes.recorded()).containsExactly(1, 2);
        assertThat(rotateRecords()).containsExactly("system acme/v2 new KEK version 2, recorded late: this node's "
                + "keystore held it unrecorded (a rotation here whose catalog transaction did not commit)");
    }

    @Test
    void aVersionRecordedLateByTheNextRotation_hasItsRotateRecord_beforeTheNewVersionsOwn() {
        nodes.rotationOfACommitFails();
        KeyRotation rotation = new KeyRotation(nodeA.database(), new TenantRepository(), new FileRepository(),
                nodeA.keys(), nodeA.core().audit(), "cli:alice", Clock.systemUTC(), auditedCatalogOfA());

        assertThat(rotation.rotate(ACME, false).active()).isEqualTo(new KekId("acme", 3));

        assertThat(nodes.recorded()).containsExactly(1, 2, 3);
        assertThat(rotateRecords()).hasSize(2);
        assertThat(rotateRecords().get(0)).startsWith("system acme/v2 new KEK version 2, recorded late");
        assertThat(rotateRecords().get(1)).isEqualTo("cli:alice acme/v3 new KEK version 3");
    }

    @Test
    void aVersionInStepWithTheCatalog_getsNoLateRecord() {
        KekCatalog catalogOfA = auditedCatalogOfA();

        nodeA.database().inTransaction(jdbc -> {
            catalogOfA.requireCurrent(jdbc, new KekId("acme", 1));
            return null;
        });

        assertThat(rotateRecords()).isEmpty();
    }

    private KekCatalog auditedCatalogOfA() {
        return new KekCatalog(nodeA.database(), nodeA.keys(), KekRefusals.unmetered(), Clock.systemUTC(),
                nodeA.core().audit());
    }

    /** Actor, subject and detail of acme's ROTATE records, in order. */
    private List<String> rotateRecords() {
        return nodeA.database().read(jdbc -> jdbc.query("SELECT actor, event FROM audit_events WHERE kind = "
                + "'key.operation' AND tenant_id = 'acme' ORDER BY seq", row -> new String[] {row.getString(1),
                row.getString(2)})).stream()
                .filter(row -> row[1].contains("\"ROTATE\""))
                .map(row -> row[0] + " " + field(row[1], "subject") + " " + field(row[1], "detail"))
                .toList();
    }

    private static String field(String event, String name) {
        String marker = "\"" + name + "\":\"";
        int start = event.indexOf(marker) + marker.length();
        return event.substring(start, event.indexOf('"', start));
    }
}
