package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.KekId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The KEK start-up check ({@link KekStartupCheck}): a node compares its keystore with the catalog's record of every
 * active tenant when it starts, so a forked or behind keystore copy is counted ({@code vaultgate_kek_refusals_total}),
 * logged (a WARN naming tenant and version) and on the status page before any upload meets it; the node stays ready
 * and serves every other tenant, and keeps refusing the one found, request by request. Versions recorded without a key
 * check (before V28) get the check of the node's key, as its first wrap would record it. Two nodes over one catalog
 * and one store with their own keystore copies; runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql},
 * on one PostgreSQL database.
 */
class KekStartupCheckTest extends TwoKeystoreNodesSetUp {

    private static final TenantId ACME = TenantId.of("acme");

    private ClientPrincipal bob;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger refusalLog = (Logger) LoggerFactory.getLogger(KekRefusals.class);
    private final Logger checkLog = (Logger) LoggerFactory.getLogger(KekStartupCheck.class);

    @Override
    TwoKeystoreNodes startNodes(Path home) {
        return TwoKeystoreNodes.start(home, onA -> bob = onA.client("beta", "bob", Protocol.SFTP));
    }

    @BeforeEach
    void logRefusalsAndChecks() {
        logged.start();
        refusalLog.addAppender(logged);
        checkLog.addAppender(logged);
    }

    @AfterEach
    void stopLogging() {
        refusalLog.detachAppender(logged);
        checkLog.detachAppender(logged);
    }

    @Test
    void aForkedTenantIsFoundInTheBackgroundAtStart_countedAndLogged_whileTheNodeStaysReadyForEveryOtherTenant()
            throws Exception {
        rotationOfACommitFails();
        nodeB.core().keyRotation().rotate(ACME, false);

        KekStartupCheck.Report report = finishedInBackground(nodeA);

        assertThat(report.forked()).containsExactly("acme");
        assertThat(report.behind()).isEmpty();
        assertThat(report.verified()).as("beta").isEqualTo(1);
        assertThat(refusals(nodeA, KekRefusals.FORKED)).isEqualTo(1.0);
        assertThat(outOfStep(nodeA, KekRefusals.FORKED)).isEqualTo(1.0);
        assertThat(outOfStep(nodeA, KekRefusals.BEHIND)).isZero();
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains("another key under KEK version 2 of "
                + "tenant acme", "copy keys/kek.p12"));
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains("KEK start-up check", "1 forked"));
        assertThat(warnings()).as("no key material, nor a key check, in the log").noneMatch(line ->
                line.contains(check("acme", 2)));
        assertThat(nodeA.core().kekStartupCheck().alerts()).singleElement().asString()
                .contains("forked", "acme", "copy keys/kek.p12");
        assertThat(nodeA.core().health().check()).as("one tenant's keys do not take the node out")
                .allMatch(CheckResult::up);

        nodeA.upload(bob, "/inbox/by-a.csv", "beta is served");
        assertThatThrownBy(() -> nodeA.upload(alice, "/inbox/by-a.csv", "refused"))
                .hasCauseInstanceOf(KeystoreForked.class);
        assertThat(warnings()).as("the refusal's WARN was the start-up check's: logged once")
                .filteredOn(line -> line.contains("another key under KEK version 2")).hasSize(1);
        assertThat(outOfStep(nodeA, KekRefusals.FORKED)).as("beta's upload verified beta, not acme").isEqualTo(1.0);
    }

    @Test
    void aKeystoreBehindTheCatalogIsFoundAtStart() {
        nodeA.core().keyRotation().rotate(ACME, false);

        KekStartupCheck.Report report = nodeB.core().kekStartupCheck().run();

        assertThat(report.behind()).containsExactly("acme");
        assertThat(report.forked()).isEmpty();
        assertThat(report.verified()).isEqualTo(1);
        assertThat(refusals(nodeB, KekRefusals.BEHIND)).isEqualTo(1.0);
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains("KEK version 2 of tenant acme is active",
                "this node's keystore has version 1"));
        assertThat(nodeB.core().kekStartupCheck().alerts()).singleElement().asString().contains("behind", "acme");
    }

    @Test
    void aNodeInStepFindsNothing_andLocksOrShredsAreNotItsBusiness() {
        nodeA.core().administration().lock(TenantId.of("beta"));

        KekStartupCheck.Report report = nodeB.core().kekStartupCheck().run();

        assertThat(report.verified()).as("acme only: beta is locked").isEqualTo(1);
        assertThat(report.forked()).isEmpty();
        assertThat(report.behind()).isEmpty();
        assertThat(report.failed()).isZero();
        assertThat(nodeB.core().kekStartupCheck().alerts()).isEmpty();
        assertThat(refusals(nodeB, KekRefusals.FORKED) + refusals(nodeB, KekRefusals.BEHIND)).isZero();
        assertThat(outOfStep(nodeB, KekRefusals.FORKED) + outOfStep(nodeB, KekRefusals.BEHIND)).isZero();
    }

    /**
     * What the alert reads (review20a L1): the start-up check's findings as a gauge, which holds them at every scrape
     * (the first one comes after the check) for as long as they last, not a count whose step before the first
     * scrape is no step. It holds a tenant until the node verifies it in step (here: its next upload after the
     * keystore copy), and counts a tenant found at a request as well.
     */
    @Test
    void theStartUpFindingsAreAGaugeOfTenantsOutOfStep_heldUntilTheNodeVerifiesTheTenantInStep() throws IOException {
        nodeA.core().keyRotation().rotate(ACME, false);

        nodeB.core().kekStartupCheck().run();

        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).isEqualTo(1.0);
        assertThat(outOfStep(nodeB, KekRefusals.FORKED)).isZero();
        assertThatThrownBy(() -> nodeB.upload(alice, "/inbox/by-b.csv", "refused"))
                .hasCauseInstanceOf(KeystoreBehindCatalog.class);
        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).as("one tenant, whatever its refusals").isEqualTo(1.0);
        nodeB.core().kekStartupCheck().run();
        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).as("found again at a second check: the same one")
                .isEqualTo(1.0);

        nodeA.copyKeystoreTo(nodeB);
        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).as("not verified since the copy").isEqualTo(1.0);
        nodeB.upload(alice, "/inbox/by-b.csv", "wrapped by version 2 on B");
        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).as("verified in step by the upload").isZero();

        nodeB.core().keyRotation().rotate(ACME, false);
        assertThatThrownBy(() -> nodeA.upload(alice, "/inbox/by-a.csv", "refused"))
                .hasCauseInstanceOf(KeystoreBehindCatalog.class);
        assertThat(outOfStep(nodeA, KekRefusals.BEHIND)).as("found at a request, not at start-up").isEqualTo(1.0);
        assertThat(nodeA.core().kekStartupCheck().run().behind()).containsExactly("acme");
        nodeB.copyKeystoreTo(nodeA);
        assertThat(nodeA.core().kekStartupCheck().run().behind()).isEmpty();
        assertThat(outOfStep(nodeA, KekRefusals.BEHIND)).as("a check that finds it in step ends it").isZero();
    }

    /**
     * Review21b L1: a tenant found out of step here and then shredded on another node is never verified in step again;
     * the maintenance pass's {@code forgetShredded} ends its finding, so the alert does not hold until a restart.
     */
    @Test
    void aTenantShreddedOnAnotherNodeSinceItWasFound_leavesTheGaugeAtTheNextPass() {
        nodeA.core().keyRotation().rotate(ACME, false);
        nodeB.core().kekStartupCheck().run();
        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).isEqualTo(1.0);
        assertThat(nodeB.core().kekStartupCheck().forgetShredded()).as("acme is not shredded").isZero();
        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).isEqualTo(1.0);

        nodeA.core().tenantShredding().shred(TenantId.of("acme"), "contract ended", "cli:test");

        assertThat(nodeB.core().kekStartupCheck().forgetShredded()).isEqualTo(1);
        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).isZero();
    }

    /**
     * Versions recorded before V28 have no key check: the start-up check records this node's for each tenant's active
     * version (never an older one), where the catalog still has none, as the node's first wrap would; a node holding
     * another key under that version is refused from then on.
     */
    @Test
    void versionsRecordedWithoutACheck_getTheCheckOfTheFirstNodeToStart_andAForkedNodeIsThenFound() {
        rotationOfACommitFails();
        nodeB.core().keyRotation().rotate(ACME, false);
        nodeA.database().inTransaction(jdbc -> jdbc.update("UPDATE kek_versions SET kek_check = NULL"));

        KekStartupCheck.Report onB = nodeB.core().kekStartupCheck().run();

        assertThat(onB.filled()).as("acme v2, beta v1").isEqualTo(2);
        assertThat(checked()).containsExactly("acme v2", "beta v1");
        KekStartupCheck.Report onA = nodeA.core().kekStartupCheck().run();
        assertThat(onA.forked()).containsExactly("acme");
        assertThat(onA.verified()).isEqualTo(1);
        assertThat(checked()).as("nothing of A's recorded").containsExactly("acme v2", "beta v1");
        assertThatThrownBy(() -> nodeA.upload(alice, "/inbox/by-a.csv", "refused"))
                .hasCauseInstanceOf(KeystoreForked.class);
        nodeB.upload(alice, "/inbox/by-b.csv", "wrapped by B's version 2");
    }

    /**
     * A restart forgot a forked older version (note21, open since): its finding, made by a refused download, held the
     * gauge until the node restarted, and the start-up check read the active version only. It now compares each older
     * version the catalog records enabled with a check too: node A's version 1 of gamma is not the catalog's (the check
     * recorded is node B's key's, made under the same number), while its active version 2 is in step.
     */
    @Test
    void aForkedOlderVersion_isFoundAtStart_whileTheActiveVersionIsInStep() {
        nodeA.client("gamma", "carol", Protocol.SFTP); // made after B's copy: B's keystore holds no gamma
        nodeB.keys().ensureTenant("gamma"); // another key under version 1
        String checkOfB = new KekChecks(nodeB.keys()).ofActive(new KekId("gamma", 1)).orElseThrow();
        nodeA.core().keyRotation().rotate(TenantId.of("gamma"), false);
        nodeA.database().inTransaction(jdbc -> jdbc.update("UPDATE kek_versions SET kek_check = ? "
                + "WHERE kek_tenant = 'gamma' AND version = 1", checkOfB));

        KekStartupCheck.Report report = nodeA.core().kekStartupCheck().run();

        assertThat(report.forked()).containsExactly("gamma");
        assertThat(report.verified()).as("gamma's active version is in step: acme, beta and gamma").isEqualTo(3);
        assertThat(report.count(KekStartupCheck.Verdict.FORKED)).as("no active version forked").isZero();
        assertThat(outOfStep(nodeA, KekRefusals.FORKED)).isEqualTo(1.0);
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains("another key under KEK version 1 of "
                + "tenant gamma"));
        assertThat(nodeA.core().kekStartupCheck().run().forked()).as("acme and beta in step").containsExactly("gamma");
    }

    /**
     * Review23b: a forked older version overrode the active version's verdict, so a tenant whose keystore lacks the
     * active version and holds another key under an older one was reported forked only: the gauge counted both, but
     * the report, the start-up summary ("0 behind") and the status page left "behind" out. Each is a finding of its
     * own: the tenant is named in both.
     */
    @Test
    void aTenantBehindOnItsActiveVersion_withAForkedOlderVersion_isReportedBehindAndForked() {
        nodeA.client("gamma", "carol", Protocol.SFTP); // made after B's copy: B's keystore holds no gamma
        nodeB.keys().ensureTenant("gamma"); // another key under version 1
        nodeA.core().keyRotation().rotate(TenantId.of("gamma"), false); // catalog: v2 active, B holds 1 only

        KekStartupCheck.Report report = nodeB.core().kekStartupCheck().run();

        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).as("the gauge has it behind").isEqualTo(1.0);
        assertThat(outOfStep(nodeB, KekRefusals.FORKED)).as("and forked").isEqualTo(1.0);
        assertThat(report.forked()).containsExactly("gamma");
        assertThat(report.behind()).as("the report, summary and status page").containsExactly("gamma");
        assertThat(report.count(KekStartupCheck.Verdict.BEHIND)).isEqualTo(1);
        assertThat(report.verified()).as("acme and beta").isEqualTo(2);
        assertThat(nodeB.core().kekStartupCheck().alerts()).hasSize(2)
                .anySatisfy(line -> assertThat(line).contains("(behind; refused here): gamma"))
                .anySatisfy(line -> assertThat(line).contains("(forked; refused here): gamma"));
    }

    /**
     * The series the alert reads exist at 0 in the node's registry from the core's assembly, before the check runs:
     * what a scrape before the check would see (the ops listener starts after it, so a new node's first scrape comes
     * after the count, which the gauge holds: deploy/prometheus/vaultgate-rules.test.yml).
     */
    @Test
    void theSeriesTheAlertReads_existAtZeroBeforeTheCheckRuns() {
        nodeA.core().keyRotation().rotate(ACME, false);

        assertThat(refusals(nodeB, KekRefusals.BEHIND)).isZero();
        assertThat(refusals(nodeB, KekRefusals.FORKED)).isZero();
        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).isZero();
        assertThat(outOfStep(nodeB, KekRefusals.FORKED)).isZero();
        nodeB.core().kekStartupCheck().run();
        assertThat(refusals(nodeB, KekRefusals.BEHIND)).isEqualTo(1.0);
        assertThat(outOfStep(nodeB, KekRefusals.BEHIND)).isEqualTo(1.0);
    }

    private static KekStartupCheck.Report finishedInBackground(TestCore node) throws InterruptedException {
        node.core().kekStartupCheck().startInBackground();
        long deadline = System.nanoTime() + 20_000_000_000L;
        Optional<KekStartupCheck.Report> report = node.core().kekStartupCheck().last();
        while (report.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            report = node.core().kekStartupCheck().last();
        }
        assertThat(report).as("the check finished in the background").isPresent();
        return report.get();
    }

    private void rotationOfACommitFails() {
        nodes.rotationOfACommitFails();
    }

    private List<String> warnings() {
        return logged.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private List<String> checked() {
        return nodeA.database().read(jdbc -> jdbc.query("SELECT kek_tenant, version FROM kek_versions WHERE "
                + "kek_check IS NOT NULL ORDER BY kek_tenant, version", row -> row.getString(1) + " v"
                + row.getInt(2)));
    }

    private String check(String tenant, int version) {
        return nodeA.database().read(jdbc -> jdbc.queryOne("SELECT kek_check FROM kek_versions WHERE kek_tenant = ? "
                + "AND version = ?", row -> row.getString(1), tenant, version)).orElseThrow();
    }

    /** {@code vaultgate_kek_versions_out_of_step{reason}} of the node. */
    private static double outOfStep(TestCore node, String reason) {
        return node.core().metrics().registry().get("vaultgate.kek.versions.out.of.step").tag("reason", reason)
                .gauge().value();
    }

    private static double refusals(TestCore node, String reason) {
        return TwoKeystoreNodes.refusals(node, reason);
    }
}
