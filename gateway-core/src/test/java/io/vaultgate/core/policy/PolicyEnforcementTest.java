package io.vaultgate.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator claims, reads, returns results of or completes a tenant's work only after acknowledging the tenant's
 * current policy.
 */
class PolicyEnforcementTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T09:00:00Z"));
    private TestCore test;
    private Policies policies;
    private ClientPrincipal client;
    private OperatorPrincipal maria;
    private OperatorPrincipal priya;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)), clock);
        policies = test.core().policies();
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        priya = test.operator("pune", "priya", Protocol.HTTPS);
        test.core().sites().addRoute(ACME, "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 1, 0, Duration.ZERO);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void tenantWithoutPolicy_needsNoAcknowledgement() {
        String batch = readyBatch("a.csv");
        assertThat(test.core().batches().claim(maria, batch).isClaimedBy(maria.operatorId())).isTrue();
    }

    @Test
    void claimWithoutAck_isRefusedWithAClearMessage_andAfterAckSucceeds() {
        policies.publish(ACME, "Handle Acme data only on site workstations.\n");
        String batch = readyBatch("a.csv");

        assertThatThrownBy(() -> test.core().batches().claim(maria, batch))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
                    assertThat(e.clientMessage()).contains("policy v1").contains("/v1/operator/tenants/acme/policy/ack");
                    assertThat(e.getCause()).isInstanceOfSatisfying(PolicyNotAcknowledged.class,
                            cause -> assertThat(cause.version()).isEqualTo(1));
                });

        PolicyAck ack = policies.acknowledge(maria, ACME, OptionalInt.of(1));

        assertThat(ack.version()).isEqualTo(1);
        assertThat(test.core().batches().claim(maria, batch).isClaimedBy(maria.operatorId())).isTrue();
        assertThat(test.auditOf(ACME)).contains("\"action\":\"POLICY_PUBLISHED\"")
                .contains("\"action\":\"POLICY_ACKNOWLEDGED\"")
                .contains("policy v1 sha256:" + policies.current(ACME).orElseThrow().sha256() + " by operator maria");
    }

    @Test
    void newVersion_blocksDownloadsOfAClaimedBatch_untilAcknowledgedAgain() throws IOException {
        policies.publish(ACME, "v1 text");
        policies.acknowledge(maria, ACME, OptionalInt.empty());
        String batch = readyBatch("a.csv");
        test.core().batches().claim(maria, batch);
        assertThat(test.read(maria, "/acme/" + batch + "/a.csv")).isEqualTo("a.csv");

        policies.publish(ACME, "v2 text: no printing");

        assertThatThrownBy(() -> test.read(maria, "/acme/" + batch + "/a.csv"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
                    assertThat(e.clientMessage()).contains("policy v2");
                });
        policies.acknowledge(maria, ACME, OptionalInt.of(2));
        assertThat(test.read(maria, "/acme/" + batch + "/a.csv")).isEqualTo("a.csv");
    }

    @Test
    void newVersion_refusesResultUploadsAndCompletionOfAHeldBatch_untilAcknowledgedAgain() throws IOException {
        policies.publish(ACME, "v1 text");
        policies.acknowledge(maria, ACME, OptionalInt.empty());
        String batch = readyBatch("a.csv");
        test.core().batches().claim(maria, batch);
        String result = "/acme/" + batch + "/results/r.txt";
        test.upload(maria, result, "first");

        policies.publish(ACME, "v2 text: redact results before returning them");

        assertThatThrownBy(() -> test.upload(maria, result, "overwritten")).satisfies(e -> refusedForV2(e));
        assertThatThrownBy(() -> test.upload(maria, "/acme/" + batch + "/results/new.txt", "new"))
                .satisfies(e -> refusedForV2(e));
        assertThatThrownBy(() -> test.core().batches().complete(maria, batch)).satisfies(e -> refusedForV2(e));
        assertThat(test.read(client, "/outbox/" + batch + "/r.txt")).as("the result stays as it was").isEqualTo("first");
        assertThat(test.core().batches().available(maria)).singleElement()
                .satisfies(held -> assertThat(held.state().name()).isEqualTo("CLAIMED"));

        policies.acknowledge(maria, ACME, OptionalInt.of(2));
        test.upload(maria, result, "redacted");
        assertThat(test.core().batches().complete(maria, batch).state().name()).isEqualTo("COMPLETED");
        assertThat(test.read(client, "/outbox/" + batch + "/r.txt")).isEqualTo("redacted");
    }

    @Test
    void aResultUploadOpenBeforeANewVersion_isRefusedAtItsCommit_andNothingIsPublished() {
        policies.publish(ACME, "v1 text");
        policies.acknowledge(maria, ACME, OptionalInt.empty());
        String batch = readyBatch("a.csv");
        test.core().batches().claim(maria, batch);

        try (Upload upload = test.core().ingest().open(maria, PathPolicy.parse("/acme/" + batch + "/results/r.txt"),
                UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap("unredacted".getBytes(StandardCharsets.UTF_8)));
            policies.publish(ACME, "v2 text: redact results before returning them");

            assertThatThrownBy(upload::commit).satisfies(e -> refusedForV2(e));
        }
        assertThatThrownBy(() -> test.read(client, "/outbox/" + batch + "/r.txt"))
                .as("nothing published to the tenant's outbox").isInstanceOf(GatewayException.class);
    }

    private static void refusedForV2(Throwable refusal) {
        assertThat(refusal).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED);
            assertThat(e.clientMessage()).contains("policy v2").contains("/v1/operator/tenants/acme/policy/ack");
            assertThat(e.getCause()).isInstanceOfSatisfying(PolicyNotAcknowledged.class,
                    cause -> assertThat(cause.version()).isEqualTo(2));
        });
    }

    @Test
    void clientsReadingTheirOwnFiles_needNoAcknowledgement() throws IOException {
        policies.publish(ACME, "operators only");
        upload(client, "/inbox/own.csv");
        assertThat(test.read(client, "/inbox/own.csv")).isEqualTo("own.csv");
    }

    @Test
    void acknowledgingAStaleVersion_isAConflict_andAcknowledgingTwiceIsAuditedOnce() {
        policies.publish(ACME, "v1");
        policies.publish(ACME, "v2");

        assertThatThrownBy(() -> policies.acknowledge(maria, ACME, OptionalInt.of(1)))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.clientMessage()).contains("acknowledge that").contains("v2");
                });
        policies.acknowledge(maria, ACME, OptionalInt.of(2));
        clock.advance(Duration.ofMinutes(1));
        policies.acknowledge(maria, ACME, OptionalInt.of(2));

        assertThat(policies.acknowledgements(ACME)).singleElement()
                .satisfies(ack -> assertThat(ack.acknowledgedAt()).isEqualTo("2026-11-28T09:00:00Z"));
        assertThat(test.auditOf(ACME).split("POLICY_ACKNOWLEDGED", -1)).hasSize(2);
    }

    @Test
    void operatorOfAnUnroutedSite_cannotSeeOrAcknowledgeTheTenantsPolicy() {
        policies.publish(ACME, "secret-ish terms");

        assertThatThrownBy(() -> policies.current(priya, ACME)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThatThrownBy(() -> policies.acknowledge(priya, ACME, OptionalInt.empty()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThatThrownBy(() -> policies.acknowledgeFor("priya", ACME, OptionalInt.empty()))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.clientMessage()).contains("no route from tenant acme");
                });
        assertThat(policies.current(maria, ACME)).isPresent();
    }

    @Test
    void operatorOfASiteTheTenantStoppedRoutingTo_seesThePolicyOnlyWhileItsBatchesAreUnfinished() {
        policies.publish(ACME, "v1 terms");
        String batch = readyBatch("a.csv");
        String route = test.core().sites().routes(ACME).get(0).id();
        test.core().sites().removeRoute(ACME, route);

        assertThat(policies.current(maria, ACME)).as("its ready batch still needs the policy to be claimed")
                .isPresent();
        policies.acknowledge(maria, ACME, OptionalInt.of(1));
        test.core().batches().claim(maria, batch);
        test.core().batches().complete(maria, batch);
        policies.publish(ACME, "v2 terms, for the tenant's new site only");

        assertThatThrownBy(() -> policies.current(maria, ACME)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThatThrownBy(() -> policies.acknowledge(maria, ACME, OptionalInt.of(2)))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThatThrownBy(() -> policies.acknowledgeFor("maria", ACME, OptionalInt.empty()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
    }

    @Test
    void adminRecordedAck_namesTheAdminAsRecorder() {
        policies.publish(ACME, "terms");
        PolicyAck ack = policies.as("admin:root").acknowledgeFor("maria", ACME, OptionalInt.empty());
        assertThat(ack.recordedBy()).isEqualTo("admin:root");
        assertThat(ack.operator()).isEqualTo("maria");
        assertThat(test.core().batches().claim(maria, readyBatch("a.csv")).isClaimedBy(maria.operatorId())).isTrue();
    }

    @Test
    void publishing_refusesEmptyOversizedAndUnchangedTexts_andUnknownTenants() {
        assertThatThrownBy(() -> policies.publish(ACME, "  \n")).hasMessageContaining("empty");
        assertThatThrownBy(() -> policies.publish(ACME, "x".repeat(Policies.MAX_BYTES + 1)))
                .hasMessageContaining("at most " + Policies.MAX_BYTES);
        policies.publish(ACME, "same");
        assertThatThrownBy(() -> policies.publish(ACME, "same")).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
        assertThatThrownBy(() -> policies.publish(TenantId.of("nobody"), "text"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThat(policies.history(ACME)).extracting(DataPolicy::version).containsExactly(1);
    }

    @Test
    void policyDigest_isTheSha256OfTheUtf8Text() {
        DataPolicy policy = policies.publish(ACME, "Ünïcode policy");
        assertThat(policy.sha256()).isEqualTo(Policies.sha256("Ünïcode policy".getBytes(StandardCharsets.UTF_8)));
        assertThat(policies.current(ACME)).contains(policy);
    }

    private String readyBatch(String name) {
        upload(client, "/inbox/" + name);
        return test.core().batches().available(maria).stream().filter(b -> b.state().name().equals("READY"))
                .findFirst().orElseThrow().id();
    }

    private void upload(ClientPrincipal principal, String path) {
        try (Upload upload = test.core().ingest().open(principal, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(PathPolicy.parse(path).fileName().getBytes(StandardCharsets.UTF_8)));
            upload.commit();
        }
    }
}
