package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.KekId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The crash window of a rotation: node A's rotation writes its keystore (version 2 of acme's KEK) before its catalog
 * transaction commits; the commit fails (injected here by failing the transaction after the rotation's work) or the
 * node dies in between (here: its keystore rotated, nothing recorded). Node B, its keystore in step with A's before,
 * then rotates and records its own, different version 2: a fork. No fork may be used silently: A refuses to wrap or
 * unwrap with its version 2 and to rotate on top of it ({@link KeystoreForked}, naming the cause and the fix), and
 * copying B's keystore to A (the documented recovery) makes A work again on B's key. When no other node rotated
 * first, A's next upload or rotation records its version 2 with its key check, and B is the one behind. Runs on SQLite
 * and, with {@code -Dvaultgate.test.catalog=postgresql}, with both nodes on one PostgreSQL database.
 */
class RotationCrashWindowTest extends TwoKeystoreNodesSetUp {

    private static final TenantId ACME = TenantId.of("acme");

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(KekRefusals.class);

    @Override
    TwoKeystoreNodes startNodes(Path home) {
        return TwoKeystoreNodes.start(home);
    }

    @BeforeEach
    void logRefusals() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stopLogging() {
        logger.detachAppender(logged);
    }

    @Test
    void aRotationWhoseCommitFailed_thenNodeBRotates_nodeARefusesItsOwnVersion2_untilItHasNodeBsKeystore()
            throws IOException {
        rotationOfACommitFails();
        nodeB.core().keyRotation().rotate(ACME, false);
        nodeB.upload(alice, "/inbox/by-b.csv", "wrapped by B's version 2");

        assertThatThrownBy(() -> nodeA.upload(alice, "/inbox/by-a.csv", "refused"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.clientMessage()).isEqualTo(KeystoreBehindCatalog.CLIENT_MESSAGE);
                    assertThat(e.getCause()).isInstanceOf(KeystoreForked.class);
                    assertThat(e.getMessage()).contains("another key under KEK version 2 of tenant acme",
                            "was not recorded", "copy keys/kek.p12 from the node that rotated the tenant");
                });
        assertThatThrownBy(() -> nodeA.read(alice, "/inbox/by-b.csv"))
                .as("refused as forked, not failing authentication as if the file were tampered with")
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.getCause()).isInstanceOf(KeystoreForked.class);
                });
        assertThatThrownBy(() -> nodeA.core().keyRotation().rewrap(ACME)).hasCauseInstanceOf(KeystoreForked.class);
        assertThat(slots()).as("only B's file: nothing was wrapped by A's version 2").containsExactly("2");
        assertThat(forkedRefusals(nodeA)).as("the upload, the download, the rewrap").isEqualTo(3.0);
        assertThat(logged.list).filteredOn(event -> event.getLevel() == Level.WARN).as("once for the version")
                .hasSize(1).first().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("another key under KEK version 2 of tenant acme");

        nodeB.copyKeystoreTo(nodeA);
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by B's version 2 on A");
        assertThat(nodeA.read(alice, "/inbox/by-b.csv")).isEqualTo("wrapped by B's version 2");
        assertThat(nodeB.read(alice, "/inbox/by-a.csv")).isEqualTo("wrapped by B's version 2 on A");
    }

    @Test
    void aNodeThatDiedAfterWritingItsKeystore_thenNodeBRotates_refusesToRotateOnTopOfItsOwnVersion2()
            throws IOException {
        nodeA.keys().rotate("acme"); // what a node that stopped before its transaction committed left behind
        nodeB.core().keyRotation().rotate(ACME, false);

        assertThatThrownBy(() -> nodeA.core().keyRotation().rotate(ACME, false))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getCause()).isInstanceOf(KeystoreForked.class);
                    assertThat(e.clientMessage()).as("an administrator is told the cause and the fix")
                            .contains("another key under KEK version 2 of tenant acme", "copy keys/kek.p12");
                });
        assertThat(nodeA.keys().versions("acme")).as("A's keystore is unchanged").containsExactly(1, 2);
        assertThat(recorded()).containsExactly(1, 2);
        assertThatThrownBy(() -> nodeA.upload(alice, "/inbox/by-a.csv", "refused"))
                .hasCauseInstanceOf(KeystoreForked.class);

        nodeB.copyKeystoreTo(nodeA);
        assertThat(nodeA.core().keyRotation().rotate(ACME, false).active()).isEqualTo(new KekId("acme", 3));
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 3");
        nodeA.copyKeystoreTo(nodeB);
        assertThat(nodeB.read(alice, "/inbox/by-a.csv")).isEqualTo("wrapped by A's version 3");
    }

    @Test
    void aVersionLeftUnrecordedByAFailedCommit_isRecordedWithItsCheckByTheNodesNextUpload_andNodeBIsThenBehind()
            throws IOException {
        rotationOfACommitFails();

        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 2");

        assertThat(recorded()).containsExactly(1, 2);
        assertThat(checked()).as("each recorded version has its key check").containsExactly(1, 2);
        assertThatThrownBy(() -> nodeB.core().keyRotation().rotate(ACME, false))
                .hasCauseInstanceOf(KeystoreBehindCatalog.class);
        assertThat(nodeB.keys().versions("acme")).containsExactly(1);
        nodeA.copyKeystoreTo(nodeB);
        assertThat(nodeB.read(alice, "/inbox/by-a.csv")).isEqualTo("wrapped by A's version 2");
        nodeB.upload(alice, "/inbox/by-b.csv", "wrapped by version 2 on B");
        assertThat(nodeA.read(alice, "/inbox/by-b.csv")).isEqualTo("wrapped by version 2 on B");
    }

    @Test
    void afterAFailedCommit_theNodesNextRotationRecordsItsUnrecordedVersionWithItsCheck_thenTheNewOne() {
        rotationOfACommitFails();

        assertThat(nodeA.core().keyRotation().rotate(ACME, false).active()).isEqualTo(new KekId("acme", 3));

        assertThat(recorded()).containsExactly(1, 2, 3);
        assertThat(checked()).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> nodeB.upload(alice, "/inbox/by-b.csv", "refused"))
                .hasCauseInstanceOf(KeystoreBehindCatalog.class);
    }

    /** A rewrap moves slots to this node's active version: one unrecorded must be recorded first, or be forked. */
    @Test
    void aRewrapAfterAFailedCommit_recordsTheNodesUnrecordedVersion_soNoOtherNodeMakesItsOwnVersion2() throws IOException {
        nodeB.upload(alice, "/inbox/before.csv", "wrapped by version 1");
        rotationOfACommitFails();

        assertThat(nodeA.core().keyRotation().rewrap(ACME)).isEqualTo(1);

        assertThat(recorded()).containsExactly(1, 2);
        assertThat(checked()).containsExactly(1, 2);
        assertThatThrownBy(() -> nodeB.core().keyRotation().rotate(ACME, false))
                .hasCauseInstanceOf(KeystoreBehindCatalog.class);
        nodeA.copyKeystoreTo(nodeB);
        assertThat(nodeB.read(alice, "/inbox/before.csv")).isEqualTo("wrapped by version 1");
    }

    /**
     * A version recorded without a key check (before V28, or by a node of an older version during a rolling upgrade)
     * keeps working; the first node to wrap with it records its check, and a node holding another key under it is
     * refused from then on.
     */
    @Test
    void aVersionRecordedWithoutACheck_getsTheCheckOfTheFirstNodeToWrapWithIt_andAForkIsRefusedFromThen() {
        rotationOfACommitFails();
        nodeB.core().keyRotation().rotate(ACME, false);
        nodeA.database().inTransaction(jdbc -> jdbc.update("UPDATE kek_versions SET kek_check = NULL"));

        nodeB.upload(alice, "/inbox/by-b.csv", "wrapped by B's version 2");

        assertThat(checked()).containsExactly(2);
        assertThatThrownBy(() -> nodeA.upload(alice, "/inbox/by-a.csv", "refused"))
                .hasCauseInstanceOf(KeystoreForked.class);
        assertThat(slots()).containsExactly("2");
    }

    private void rotationOfACommitFails() {
        nodes.rotationOfACommitFails();
    }

    private List<Integer> recorded() {
        return nodes.recorded();
    }

    private List<Integer> checked() {
        return nodes.checked();
    }

    private List<String> slots() {
        return nodeA.database().read(jdbc -> jdbc.query("SELECT kek_version FROM key_slots WHERE kek_tenant = "
                + "'acme'", row -> row.getString(1)));
    }

    private static double forkedRefusals(TestCore node) {
        return TwoKeystoreNodes.refusals(node, KekRefusals.FORKED);
    }
}
