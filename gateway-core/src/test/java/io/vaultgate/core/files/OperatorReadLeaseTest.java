package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.SiteRemoval;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.batch.LeaseCheck;
import io.vaultgate.core.batch.LeaseEndedException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file an operator opened while holding its batch reads only as long as that lease: each test opens a file, reads
 * part of it, ends the lease one way, and the next read fails with nothing returned, while a batch the operator
 * still holds reads on. Each upload is a batch of its own (route limit of one file).
 */
class OperatorReadLeaseTest {

    private static final Duration LEASE = Duration.ofMinutes(30);
    private static final String CONTENT = "0123456789".repeat(10);

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T09:00:00Z"));
    private TestCore test;
    private ClientPrincipal client;
    private OperatorPrincipal maria;
    private OperatorPrincipal marco;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, LEASE), clock);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        marco = test.operator("manila", "marco", Protocol.HTTPS);
        test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 1, 0,
                Duration.ofMinutes(10));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void completedBatch_endsAReadOpenedBefore_andOnlyThatBatch() throws IOException {
        String batch = claimed(maria, "a.csv");
        String other = claimed(maria, "b.csv");
        FileContent content = openAndRead(maria, "/acme/" + batch + "/a.csv", 10);
        FileContent otherContent = openAndRead(maria, "/acme/" + other + "/b.csv", 10);

        test.core().batches().complete(maria, batch);
        clock.advance(LeaseCheck.DEFAULT_INTERVAL);

        assertRefused(content, batch, "the batch was completed");
        assertRefused(content, batch, "the batch was completed");
        assertThat(readFrom(otherContent, 10, 90)).isEqualTo(CONTENT.substring(10));
        content.close();
        otherContent.close();
        assertThat(events("batch.access_ended")).as("recorded once per opened file").singleElement()
                .satisfies(event -> assertThat(event).contains("\"actor\":\"maria\"", "\"batch\":\"" + batch + "\"",
                        "\"path\":\"/inbox/a.csv\"", "\"reason\":\"the batch was completed\""));
        assertThat(events("file.downloaded")).as("nothing was read after the lease ended")
                .anySatisfy(event -> assertThat(event).contains("\"path\":\"/inbox/a.csv\"", "\"bytes\":10"))
                .anySatisfy(event -> assertThat(event).contains("\"path\":\"/inbox/b.csv\"", "\"bytes\":100"));
    }

    @Test
    void leaseThatRanOut_endsTheRead_andARenewalAfterwardsDoesNotRevive_theOldHandle() throws IOException {
        String batch = claimed(maria, "a.csv");
        clock.advance(LEASE.dividedBy(2));
        String other = claimed(maria, "b.csv");
        FileContent content = openAndRead(maria, "/acme/" + batch + "/a.csv", 10);
        FileContent otherContent = openAndRead(maria, "/acme/" + other + "/b.csv", 10);

        clock.advance(LEASE.dividedBy(2));

        assertRefused(content, batch, "the lease ran out");
        test.core().batches().claim(maria, batch);
        assertRefused(content, batch, "the lease ran out");
        try (FileContent reopened = test.core().files().open(maria, PathPolicy.parse("/acme/" + batch + "/a.csv"))) {
            assertThat(readFrom(reopened, 10, 90)).as("a file opened under the new lease reads")
                    .isEqualTo(CONTENT.substring(10));
        }
        assertThat(readFrom(otherContent, 10, 90)).isEqualTo(CONTENT.substring(10));
        content.close();
        otherContent.close();
    }

    /**
     * Renewed before the expiry the open handle knows and again after it; the handle, idle meanwhile, sees neither
     * renewal and reads on past both expiries under the same lease.
     */
    @Test
    void leaseRenewedBeforeItRanOut_keepsALongReadGoing_acrossRenewalsTheHandleDidNotSee() throws IOException {
        String batch = claimed(maria, "a.csv");
        FileContent content = openAndRead(maria, "/acme/" + batch + "/a.csv", 10);
        clock.advance(LEASE.minusMinutes(5));
        test.core().batches().claim(maria, batch);
        clock.advance(Duration.ofMinutes(10));
        test.core().batches().claim(maria, batch);
        clock.advance(Duration.ofMinutes(1));

        assertThat(readFrom(content, 10, 90)).isEqualTo(CONTENT.substring(10));
        content.close();
    }

    @Test
    void batchReturnedByMaintenance_andClaimedByAColleague_endsTheRead() throws IOException {
        String batch = claimed(maria, "a.csv");
        FileContent content = openAndRead(maria, "/acme/" + batch + "/a.csv", 10);
        clock.advance(LEASE);
        test.core().batches().maintain();
        test.core().batches().claim(marco, batch);

        assertRefused(content, batch, "the batch is claimed by another operator");
        content.close();
    }

    @Test
    void releasedBatch_endsTheRead() throws IOException {
        String batch = claimed(maria, "a.csv");
        FileContent content = openAndRead(maria, "/acme/" + batch + "/a.csv", 10);
        clock.advance(LEASE);
        test.core().batches().maintain();
        assertThat(test.core().batches().byTenant(client.tenant())).singleElement()
                .satisfies(b -> assertThat(b.state()).isEqualTo(BatchState.READY));

        assertRefused(content, batch, "the lease ran out");
        content.close();
    }

    @Test
    void tenantLockedDown_endsTheRead() throws IOException {
        String batch = claimed(maria, "a.csv");
        FileContent content = openAndRead(maria, "/acme/" + batch + "/a.csv", 10);
        test.core().administration().lock(client.tenant());
        clock.advance(LeaseCheck.DEFAULT_INTERVAL);

        assertRefused(content, batch, "the tenant is locked");
        content.close();
    }

    @Test
    void removedOperator_whoseBatchesWentBackToReady_cannotReadOn() throws IOException {
        String batch = claimed(maria, "a.csv");
        FileContent content = openAndRead(maria, "/acme/" + batch + "/a.csv", 10);
        test.core().incidents().offboarding().removeOperator("maria", "left the site", "root");
        clock.advance(LeaseCheck.DEFAULT_INTERVAL);

        assertRefused(content, batch, "the batch was released");
        content.close();
    }

    @Test
    void siteRemovedWithItsWorkAbandoned_endsTheRead_audited() throws IOException {
        String batch = claimed(maria, "a.csv");
        FileContent content = openAndRead(maria, "/acme/" + batch + "/a.csv", 10);
        test.core().sites().removeRoute(client.tenant(), test.core().sites().routes(client.tenant()).get(0).id());
        test.core().incidents().siteRemoval().removeSite("manila", "bankrupt", "root",
                SiteRemoval.UnfinishedWork.ABANDON);
        clock.advance(LeaseCheck.DEFAULT_INTERVAL);

        assertRefused(content, batch, "the site was removed");
        content.close();
        assertThat(events("batch.access_ended")).singleElement().satisfies(event -> assertThat(event)
                .contains("\"batch\":\"" + batch + "\"", "\"reason\":\"the site was removed\""));
    }

    /**
     * A policy published while a file is open ends that read as an unacknowledged policy ends a claim: the operator
     * acknowledges the new version and opens the file again (on both databases: the check is part of the batch's
     * one catalog read).
     */
    @Test
    void newPolicyVersionPublished_endsTheRead_untilTheOperatorAcknowledgesItAndOpensTheFileAgain() throws IOException {
        test.core().policies().publish(client.tenant(), "Handle with care.");
        test.core().policies().acknowledge(maria, client.tenant(), OptionalInt.of(1));
        String batch = claimed(maria, "a.csv");
        FileContent content = openAndRead(maria, "/acme/" + batch + "/a.csv", 10);
        clock.advance(LeaseCheck.DEFAULT_INTERVAL);
        assertThat(readFrom(content, 10, 10)).as("the acknowledged version reads on")
                .isEqualTo(CONTENT.substring(10, 20));

        test.core().policies().publish(client.tenant(), "Handle with even more care.");
        clock.advance(LeaseCheck.DEFAULT_INTERVAL);

        assertRefused(content, batch, "the tenant's data-handling policy v2 is not acknowledged");
        content.close();
        test.core().policies().acknowledge(maria, client.tenant(), OptionalInt.of(2));
        try (FileContent reopened = openAndRead(maria, "/acme/" + batch + "/a.csv", 10)) {
            clock.advance(LeaseCheck.DEFAULT_INTERVAL);
            assertThat(readFrom(reopened, 10, 90)).isEqualTo(CONTENT.substring(10));
        }
        assertThat(events("batch.access_ended")).singleElement().satisfies(event -> assertThat(event)
                .contains("\"reason\":\"the tenant's data-handling policy v2 is not acknowledged\""));
    }

    private void assertRefused(FileContent content, String batch, String reason) {
        ByteBuffer buffer = ByteBuffer.allocate(10);
        assertThatThrownBy(() -> content.read(10, buffer)).isInstanceOfSatisfying(LeaseEndedException.class, e -> {
            assertThat(e.batchId()).isEqualTo(batch);
            assertThat(e.reason()).isEqualTo(reason);
        });
        assertThat(buffer.position()).as("nothing read").isZero();
    }

    /** Uploads {@code /inbox/<name>} (a batch of its own) and claims that batch for {@code operator}. */
    private String claimed(OperatorPrincipal operator, String name) {
        test.upload(client, "/inbox/" + name, CONTENT);
        List<String> ready = test.core().batches().available(operator).stream()
                .filter(b -> b.state() == BatchState.READY).map(b -> b.id()).toList();
        assertThat(ready).hasSize(1);
        return test.core().batches().claim(operator, ready.get(0)).id();
    }

    private FileContent openAndRead(Principal principal, String path, int length) throws IOException {
        FileContent content = test.core().files().open(principal, PathPolicy.parse(path));
        assertThat(readFrom(content, 0, length)).isEqualTo(CONTENT.substring(0, length));
        return content;
    }

    private static String readFrom(FileContent content, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && content.read(position + buffer.position(), buffer) >= 0) {
            // read all
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    /** The canonical JSON of every audit event of a kind, in chain order. */
    private List<String> events(String kind) {
        return test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = ? ORDER BY seq",
                row -> row.getString(1), kind));
    }
}
