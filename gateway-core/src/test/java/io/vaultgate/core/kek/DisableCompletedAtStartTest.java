package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.Race;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node's start finishes a {@code vaultgate keys disable} cut off between its catalog commit and its keystore write
 * ({@link DisableCompletion}, run first by the KEK start-up check): the version ends disabled in the catalog and in the
 * keystore, with the one {@code DISABLE} record the command committed with the catalog's, and a second start changes
 * nothing. Until this change the version stayed enabled in the keystore (refused by the catalog, reported by doctor)
 * until an administrator ran the command again. Nodes starting at once (each with its keystore copy, or sharing one
 * store as nodes sharing an HSM token do) each finish their own store once; a node behind the catalog, whose active
 * version it is, and a store that refuses the write leave it enabled and refused. The cut is the fault hook of
 * {@code KeyDisableCrashTest}: the keystore write dies once the catalog committed. Runs on SQLite and, with
 * {@code -Dvaultgate.test.catalog=postgresql}, with both nodes on one PostgreSQL database.
 */
class DisableCompletedAtStartTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final KekId V1 = new KekId("acme", 1);
    private static final GatewayCore.Settings SETTINGS = new GatewayCore.Settings(Duration.ofHours(24), 64);

    @TempDir
    Path home;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger completionLog = (Logger) LoggerFactory.getLogger(DisableCompletion.class);

    private Level levelBefore;

    @BeforeEach
    void logCompletions() {
        logged.start();
        levelBefore = completionLog.getLevel();
        completionLog.setLevel(Level.INFO);
        completionLog.addAppender(logged);
    }

    @AfterEach
    void stopLogging() {
        completionLog.detachAppender(logged);
        completionLog.setLevel(levelBefore);
    }

    @Test
    void aDisableCutOffBeforeItsKeystoreWrite_isFinishedByTheNextStart_withItsOneRecord_andASecondStartChangesNothing()
            throws Exception {
        acmeRotated(false);
        disableCutOffBeforeTheKeystoreWrite();

        long records;
        try (TestCore restarted = TestCore.reopen(home, SETTINGS)) {
            assertThat(restarted.keys().disabledVersions("acme")).as("the keystore write was cut off").isEmpty();
            records = auditRecords(restarted);

            KekStartupCheck.Report report = restarted.core().kekStartupCheck().run();

            assertThat(restarted.keys().disabledVersions("acme")).as("finished by the start").containsExactly(1);
            assertThat(report.disabledHere()).containsExactly(V1);
            assertThat(report.notDisabledHere()).isEmpty();
            assertThat(recordedState(restarted)).isEqualTo("DISABLED");
            assertThat(disableRecords(restarted)).as("the command's, committed with the catalog's").isEqualTo(1);
            assertThat(auditRecords(restarted)).as("the start appends nothing").isEqualTo(records);
            assertThat(restarted.core().kekStartupCheck().alerts()).isEmpty();
            assertThat(logged.list).anySatisfy(line -> {
                assertThat(line.getLevel()).isEqualTo(Level.INFO);
                assertThat(line.getFormattedMessage()).contains("KEK acme/v1 disabled in this node's keystore at start",
                        "keys disable");
            });
        }
        byte[] keystore = Files.readAllBytes(home.resolve("kek.p12"));
        try (TestCore again = TestCore.reopen(home, SETTINGS)) {
            assertThat(again.keys().disabledVersions("acme")).as("read back from the file").containsExactly(1);

            KekStartupCheck.Report report = again.core().kekStartupCheck().run();

            assertThat(report.disabledHere()).isEmpty();
            assertThat(Files.readAllBytes(home.resolve("kek.p12"))).as("not written again").isEqualTo(keystore);
            assertThat(auditRecords(again)).isEqualTo(records);
            assertThatThrownBy(() -> again.core().keyRotation().disable(ACME, 1))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason())
                            .isEqualTo(Reason.NOT_FOUND))
                    .hasMessageContaining("has no enabled KEK version 1 (it is disabled)");
        }
    }

    @Test
    void twoNodesStartingAtOnce_eachFinishesItsOwnKeystoreCopy_withTheOneRecord() throws Exception {
        acmeRotated(true);
        disableCutOffBeforeTheKeystoreWrite();

        try (TestCore nodeA = TestCore.reopen(home, SETTINGS); TestCore nodeB = nodeB()) {
            List<KekStartupCheck.Report> reports = startAtOnce(nodeA, nodeB);

            assertThat(reports).allSatisfy(report -> {
                assertThat(report.disabledHere()).containsExactly(V1);
                assertThat(report.notDisabledHere()).isEmpty();
            });
            assertThat(nodeA.keys().disabledVersions("acme")).containsExactly(1);
            assertThat(nodeB.keys().disabledVersions("acme")).containsExactly(1);
            assertThat(disableRecords(nodeA)).isEqualTo(1);
        }
    }

    @Test
    void twoNodesSharingOneKeyStoreStartingAtOnce_oneFinishesIt_theOtherFindsItDone() throws Exception {
        acmeRotated(false);
        disableCutOffBeforeTheKeystoreWrite();

        try (TestCore nodeA = TestCore.reopen(home, SETTINGS);
             TestCore nodeB = TestCore.sharing(home, UnaryOperator.identity(), SETTINGS)) {
            List<KekStartupCheck.Report> reports = startAtOnce(nodeA, nodeB);

            assertThat(reports).flatExtracting(KekStartupCheck.Report::disabledHere).containsExactly(V1);
            assertThat(reports).flatExtracting(KekStartupCheck.Report::notDisabledHere).isEmpty();
            assertThat(nodeA.keys().disabledVersions("acme")).containsExactly(1);
            assertThat(disableRecords(nodeA)).isEqualTo(1);
        }
    }

    /** B's keystore copy is from before the rotation: version 1 is its active version, which it cannot disable. */
    @Test
    void aNodeBehindTheCatalog_leavesItsActiveVersionEnabled_andIsReportedBehind() {
        try (TestCore nodeA = TestCore.create(home, SETTINGS)) {
            nodeA.client("acme", "acme-up", Protocol.SFTP);
            nodeA.secondNode().close();
            nodeA.core().keyRotation().rotate(ACME, false);
            nodeA.core().keyRotation().disable(ACME, 1);
        }
        try (TestCore nodeB = nodeB()) {
            KekStartupCheck.Report report = nodeB.core().kekStartupCheck().run();

            assertThat(report.disabledHere()).isEmpty();
            assertThat(report.notDisabledHere()).isEmpty();
            assertThat(report.behind()).containsExactly("acme");
            assertThat(nodeB.keys().disabledVersions("acme")).isEmpty();
            assertThat(logged.list).isEmpty();
        }
    }

    @Test
    void aKeyStoreThatRefusesTheWrite_leavesTheVersionRefused_warnsAndAlerts() {
        acmeRotated(false);
        disableCutOffBeforeTheKeystoreWrite();

        try (TestCore readOnly = TestCore.sharing(home, RefusesToDisable::new, SETTINGS)) {
            KekStartupCheck.Report report = readOnly.core().kekStartupCheck().run();

            assertThat(report.disabledHere()).isEmpty();
            assertThat(report.notDisabledHere()).containsExactly(V1);
            assertThat(readOnly.core().kekStartupCheck().alerts()).singleElement().asString()
                    .contains("could not disable 1 KEK version(s)", "acme/v1", "refused on every node",
                            "vaultgate keys disable");
            assertThat(logged.list).singleElement().satisfies(line -> {
                assertThat(line.getLevel()).isEqualTo(Level.WARN);
                assertThat(line.getFormattedMessage()).contains("KEK acme/v1 is recorded disabled",
                        "the keystore file is read-only", "vaultgate keys disable --tenant acme --kek-version 1");
            });
            assertThatThrownBy(() -> readOnly.database().read(jdbc -> {
                new KekCatalog(readOnly.database(), readOnly.keys(), KekRefusals.unmetered(), Clock.systemUTC())
                        .requireUsable(jdbc, V1);
                return null;
            })).as("refused all the same").isInstanceOf(CryptoException.KeyDisabled.class);
        }
    }

    /** review32 L4: a key store that cannot be read for one tenant does not stop the others' completion. */
    @Test
    void aKeyStoreUnreadableForOneTenant_stillFinishesTheOthers_andListsTheUnreadOne() {
        TenantId globex = TenantId.of("globex");
        try (TestCore nodeA = TestCore.create(home, SETTINGS)) {
            nodeA.client("acme", "acme-up", Protocol.SFTP);
            nodeA.client("globex", "globex-up", Protocol.SFTP);
            nodeA.core().keyRotation().rotate(ACME, false);
            nodeA.core().keyRotation().rotate(globex, false);
        }
        try (TestCore dying = TestCore.sharing(home, DiesBeforeTheKeystoreWrite::new, SETTINGS)) {
            for (TenantId tenant : List.of(ACME, globex)) {
                assertThatThrownBy(() -> dying.core().keyRotation().disable(tenant, 1))
                        .hasMessageContaining("simulated crash before the keystore write");
            }
        }

        try (TestCore node = TestCore.sharing(home, CannotReadAcme::new, SETTINGS)) {
            KekStartupCheck.Report report = node.core().kekStartupCheck().run();

            assertThat(report.disabledHere()).containsExactly(new KekId("globex", 1));
            assertThat(report.notDisabledHere()).containsExactly(V1);
            assertThat(node.keys().disabledVersions("globex")).containsExactly(1);
        }
    }

    /** acme with version 2 active and no key slot under version 1; with node B's keystore copied after it. */
    private void acmeRotated(boolean withNodeB) {
        try (TestCore nodeA = TestCore.create(home, SETTINGS)) {
            nodeA.client("acme", "acme-up", Protocol.SFTP);
            nodeA.core().keyRotation().rotate(ACME, false);
            if (withNodeB) {
                nodeA.secondNode().close();
            }
        }
    }

    /** A {@code keys disable} of version 1 whose keystore write dies once the catalog committed; the node stops. */
    private void disableCutOffBeforeTheKeystoreWrite() {
        try (TestCore dying = TestCore.sharing(home, DiesBeforeTheKeystoreWrite::new, SETTINGS)) {
            assertThatThrownBy(() -> dying.core().keyRotation().disable(ACME, 1))
                    .hasMessageContaining("simulated crash before the keystore write");
            assertThat(recordedState(dying)).isEqualTo("DISABLED");
        }
    }

    /** Node B of the scale-out: the same catalog and store, its own keystore copy ({@link TestCore#secondNode}). */
    private TestCore nodeB() {
        return TestCore.over(home, TestCatalog.open(home), home.resolve("node-b").resolve("kek.p12"));
    }

    /** What each node's start runs in the background, started on both at the same moment. */
    private static List<KekStartupCheck.Report> startAtOnce(TestCore nodeA, TestCore nodeB) throws Exception {
        AtomicReference<KekStartupCheck.Report> ofA = new AtomicReference<>();
        AtomicReference<KekStartupCheck.Report> ofB = new AtomicReference<>();
        Race.run(() -> ofA.set(nodeA.core().kekStartupCheck().run()),
                () -> ofB.set(nodeB.core().kekStartupCheck().run()));
        return List.of(ofA.get(), ofB.get());
    }

    private static final class DiesBeforeTheKeystoreWrite extends DelegatingKeyProvider {
        DiesBeforeTheKeystoreWrite(KeyProvider delegate) {
            super(delegate);
        }

        @Override
        public void disable(KekId kek) {
            throw new IllegalStateException("simulated crash before the keystore write");
        }
    }

    private static final class CannotReadAcme extends DelegatingKeyProvider {
        CannotReadAcme(KeyProvider delegate) {
            super(delegate);
        }

        @Override
        public List<Integer> disabledVersions(String tenantId) {
            if (tenantId.equals("acme")) {
                throw new CryptoException.ProviderUnavailable("acme's entries cannot be read (test)");
            }
            return super.disabledVersions(tenantId);
        }
    }

    private static final class RefusesToDisable extends DelegatingKeyProvider {
        RefusesToDisable(KeyProvider delegate) {
            super(delegate);
        }

        @Override
        public void disable(KekId kek) {
            throw new CryptoException.ProviderUnavailable("the keystore file is read-only");
        }
    }

    private static String recordedState(TestCore test) {
        return test.database().read(jdbc -> jdbc.queryOne("SELECT state FROM kek_versions WHERE kek_tenant = 'acme' "
                + "AND version = 1", row -> row.getString(1))).orElse("none");
    }

    private static long disableRecords(TestCore test) {
        return test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE kind = "
                + "'key.operation' AND event LIKE '%\"DISABLE\"%'"));
    }

    private static long auditRecords(TestCore test) {
        return test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events"));
    }
}
