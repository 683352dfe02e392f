package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLifecycleTest {

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T09:00:00Z"));
    private TestCore test;
    private ClientPrincipal client;
    private OperatorPrincipal operator;
    private OperatorPrincipal otherSite;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)), clock);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        operator = test.operator("manila", "maria", Protocol.SFTP);
        otherSite = test.operator("pune", "priya", Protocol.SFTP);
        test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 3, 0,
                Duration.ofMinutes(10));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void batchBecomesReady_atItsFileLimit_andOnlyItsSiteSeesIt() {
        test.upload(client, "/inbox/a.csv", "a");
        test.upload(client, "/inbox/b.csv", "b");
        assertThat(test.core().batches().available(operator)).isEmpty();

        test.upload(client, "/inbox/c.csv", "c");

        assertThat(test.core().batches().available(operator)).singleElement()
                .satisfies(batch -> {
                    assertThat(batch.state()).isEqualTo(BatchState.READY);
                    assertThat(batch.fileCount()).isEqualTo(3);
                });
        assertThat(test.core().batches().available(otherSite)).isEmpty();
    }

    @Test
    void readyMarker_closesTheOpenBatch_withoutJoiningIt() {
        test.upload(client, "/inbox/a.csv", "a");
        test.upload(client, "/inbox/batch.ready", "");
        assertThat(test.core().batches().available(operator)).singleElement()
                .satisfies(batch -> assertThat(batch.fileCount()).isEqualTo(1));
    }

    @Test
    void idleBatch_closesAfterTheRoutesIdleTime() {
        test.upload(client, "/inbox/a.csv", "a");
        clock.advance(Duration.ofMinutes(9));
        assertThat(test.core().batches().maintain()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(test.core().batches().maintain()).isEqualTo(1);
        assertThat(test.core().batches().available(operator)).hasSize(1);
        assertThat(events("batch.closed")).singleElement().satisfies(event -> assertThat(event)
                .contains("\"actor\":\"system\"", "\"files\":1", "\"reason\":\"idle for PT10M\"", "\"site\":\"manila\""));
    }

    @Test
    void anAdministratorClosingABatch_isAudited_andAClosedBatchCannotBeClosedAgain() {
        test.upload(client, "/inbox/a.csv", "a");
        String batchId = test.core().batches().byTenant(client.tenant()).get(0).id();

        test.core().batches().close(batchId, "root");

        assertThat(events("batch.closed")).singleElement().satisfies(event -> assertThat(event)
                .contains("\"actor\":\"root\"", "\"batch\":\"" + batchId + "\"", "closed by an administrator"));
        assertThatThrownBy(() -> test.core().batches().close(batchId, "root")).isInstanceOfSatisfying(
                GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
        assertThatThrownBy(() -> test.core().batches().close("b_nope", "root")).isInstanceOfSatisfying(
                GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThat(events("batch.closed")).hasSize(1);
    }

    @Test
    void routeWithAnIdleCloseOfCenturies_neverCloses_andMaintenanceGoesOn() {
        ClientPrincipal other = test.client("globex", "globex-upload", Protocol.SFTP);
        test.core().sites().addRoute(other.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 3, 0,
                Duration.ofSeconds(Long.MAX_VALUE));
        test.upload(other, "/inbox/a.csv", "a");
        test.upload(client, "/inbox/a.csv", "a");
        clock.advance(Duration.ofMinutes(10));

        assertThat(test.core().batches().maintain()).as("acme's idle batch closes; globex's cannot overflow")
                .isEqualTo(1);
    }

    @Test
    void claimedBatch_isReadableByItsOperatorOnly_andResultsReachTheTenantsOutbox() throws IOException {
        String batchId = readyBatch();
        assertThatThrownBy(() -> test.core().files().list(operator, PathPolicy.parse("/acme")))
                .isInstanceOf(GatewayException.class);

        test.core().batches().claim(operator, batchId);

        assertThat(test.core().files().list(operator, PathPolicy.parse("/acme/" + batchId)))
                .extracting(FileEntry::name).containsExactly("a.csv", "b.csv", "c.csv", "results");
        assertThat(test.read(operator, "/acme/" + batchId + "/b.csv")).isEqualTo("b");
        assertThatThrownBy(() -> test.core().batches().claim(otherSite, batchId))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThatThrownBy(() -> test.core().files().stat(otherSite, PathPolicy.parse("/acme/" + batchId + "/a.csv")))
                .isInstanceOf(GatewayException.class);
        assertThatThrownBy(() -> test.core().ingest().open(operator, PathPolicy.parse("/acme/" + batchId + "/a.csv"),
                UploadMode.CREATE)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED));

        test.upload(operator, "/acme/" + batchId + "/results/summary.txt", "all good");
        test.core().batches().complete(operator, batchId);

        assertThat(test.read(client, "/outbox/" + batchId + "/summary.txt")).isEqualTo("all good");
        assertThat(test.core().files().list(operator, PathPolicy.parse("/"))).isEmpty();
    }

    @Test
    void operatorStat_findsTheBatchsOwnFilesAndDirectories_andItsResults_butNoOtherFileOfTheTenant() throws IOException {
        test.upload(client, "/inbox/sub/deep.csv", "deep");
        test.upload(client, "/inbox/x.csv", "x");
        test.upload(client, "/inbox/y.csv", "y");
        String batchId = test.core().batches().available(operator).get(0).id();
        test.upload(client, "/inbox/later.csv", "not in the batch");
        test.upload(client, "/inbox/sub/later.csv", "not in the batch either");
        test.core().batches().claim(operator, batchId);
        String root = "/acme/" + batchId;

        assertThat(stat(root + "/sub").directory()).isTrue();
        assertThat(stat(root + "/sub/deep.csv").size()).isEqualTo(4);
        assertThat(test.read(operator, root + "/sub/deep.csv")).isEqualTo("deep");
        for (String outside : List.of("/later.csv", "/sub/later.csv", "/nope", "/sub/nope", "/x.csv/below")) {
            assertThatThrownBy(() -> stat(root + outside)).as(outside).isInstanceOfSatisfying(GatewayException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        }

        test.upload(operator, root + "/results/r/one.txt", "result");
        assertThat(stat(root + "/results").directory()).isTrue();
        assertThat(stat(root + "/results/r").directory()).isTrue();
        assertThat(stat(root + "/results/r/one.txt").size()).isEqualTo(6);
        assertThat(test.read(operator, root + "/results/r/one.txt")).isEqualTo("result");
        assertThatThrownBy(() -> stat(root + "/results/r/two.txt")).isInstanceOf(GatewayException.class);
    }

    private FileEntry stat(String path) {
        return test.core().files().stat(operator, PathPolicy.parse(path));
    }

    @Test
    void expiredLease_returnsTheBatchToReady_forAnotherOperator() {
        String batchId = readyBatch();
        OperatorPrincipal colleague = test.operator("manila", "marco", Protocol.HTTPS);
        test.core().batches().claim(operator, batchId);
        assertThatThrownBy(() -> test.core().batches().claim(colleague, batchId)).isInstanceOf(GatewayException.class);

        clock.advance(Duration.ofMinutes(31));
        test.core().batches().maintain();

        assertThat(test.core().batches().claim(colleague, batchId).claimedBy()).contains(colleague.operatorId());
        assertThatThrownBy(() -> test.core().batches().complete(operator, batchId)).isInstanceOf(GatewayException.class);
        assertThat(events("batch.released")).as("the lapse is on record, with the holder who lost the batch")
                .singleElement().satisfies(event -> assertThat(event).contains("\"batch\":\"" + batchId + "\"",
                        "\"holder\":\"" + operator.username() + "\"", "\"reason\":\"lease expired\""));
    }

    @Test
    void leaseThatRanOut_endsTheOperatorsAccess_beforeMaintenanceReturnsTheBatch() throws IOException {
        String batchId = readyBatch();
        test.core().batches().claim(operator, batchId);
        assertThat(test.read(operator, "/acme/" + batchId + "/a.csv")).isEqualTo("a");

        clock.advance(Duration.ofMinutes(31));

        assertThatThrownBy(() -> test.core().files().stat(operator, PathPolicy.parse("/acme/" + batchId + "/a.csv")))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThat(test.core().files().list(operator, PathPolicy.parse("/"))).isEmpty();
        assertThatThrownBy(() -> test.core().ingest().open(operator,
                PathPolicy.parse("/acme/" + batchId + "/results/late.txt"), UploadMode.CREATE))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThatThrownBy(() -> test.core().batches().complete(operator, batchId))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.getMessage()).contains("lease ran out"));
        assertThat(test.core().batches().claim(operator, batchId).leaseExpiresAt())
                .as("the holder may still renew it until maintenance runs").isPresent();
        assertThat(test.read(operator, "/acme/" + batchId + "/a.csv")).isEqualTo("a");
    }

    @Test
    void resultOpenedWhileTheBatchWasHeld_isDiscardedAtCommit_onceTheBatchWasCompleted() {
        String batchId = readyBatch();
        test.core().batches().claim(operator, batchId);
        Upload late = test.core().ingest().open(operator, PathPolicy.parse("/acme/" + batchId + "/results/late.txt"),
                UploadMode.CREATE);
        late.write(0, ByteBuffer.wrap("late".getBytes(StandardCharsets.UTF_8)));
        test.core().batches().complete(operator, batchId);

        assertThatThrownBy(late::commit).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED));
        late.close();
        assertThatThrownBy(() -> test.core().files().stat(client, PathPolicy.parse("/outbox/" + batchId + "/late.txt")))
                .isInstanceOf(GatewayException.class);
    }

    @Test
    void lockedTenant_pausesClaims() {
        String batchId = readyBatch();
        test.core().administration().lock(client.tenant());
        assertThatThrownBy(() -> test.core().batches().claim(operator, batchId))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TENANT_LOCKED));
    }

    private String readyBatch() {
        test.upload(client, "/inbox/a.csv", "a");
        test.upload(client, "/inbox/b.csv", "b");
        test.upload(client, "/inbox/c.csv", "c");
        return test.core().batches().available(operator).get(0).id();
    }

    /** The canonical JSON of every audit event of a kind, in chain order. */
    private java.util.List<String> events(String kind) {
        return test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = ? ORDER BY seq",
                row -> row.getString(1), kind));
    }

}
