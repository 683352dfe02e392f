package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.policy.PolicyNotAcknowledged;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
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
 * Once a tenant is locked down, an operator holding one of its batches no longer sees the names and sizes of its
 * files: listing the batch and a stat in it are refused like reads ({@code TENANT_LOCKED}), while the batch
 * directories above stay listed and another tenant's batch is listed as before; the locked tenant's batches leave
 * the operator's batch list. The same holds while the tenant's
 * newest data-handling policy version is not acknowledged by the operator: refused like a read, with the policy
 * refusal ({@link PolicyNotAcknowledged}, which SFTP and HTTPS answer as they answer the read).
 */
class OperatorLockdownViewTest {

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T09:00:00Z"));
    private TestCore test;
    private ClientPrincipal acme;
    private OperatorPrincipal maria;
    private String acmeBatch;
    private String globexBatch;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)), clock);
        acme = test.client("acme", "acme-upload", Protocol.SFTP);
        ClientPrincipal globex = test.client("globex", "globex-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        for (ClientPrincipal client : new ClientPrincipal[] {acme, globex}) {
            test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 2, 0,
                    Duration.ofMinutes(10));
            upload(client, "/inbox/a.csv");
            upload(client, "/inbox/2026/b.csv");
        }
        for (var batch : test.core().batches().available(maria)) {
            assertThat(batch.state()).isEqualTo(BatchState.READY);
            String id = test.core().batches().claim(maria, batch.id()).id();
            if (batch.tenant().equals(acme.tenant())) {
                acmeBatch = id;
            } else {
                globexBatch = id;
            }
        }
        assertThat(acmeBatch).isNotNull();
        assertThat(globexBatch).isNotNull();
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void lockedTenantsBatch_refusesListingAndStat_likeReads_untilUnlocked() {
        String root = "/acme/" + acmeBatch;
        assertThat(files().list(maria, PathPolicy.parse(root))).extracting(entry -> entry.path().fileName())
                .contains("a.csv", "2026", "results");

        test.core().incidents().lockdown().lockdown(acme.tenant(), "suspected leak", "cli:test");

        assertLocked(() -> files().list(maria, PathPolicy.parse(root)), "listings are refused");
        assertLocked(() -> files().list(maria, PathPolicy.parse(root + "/2026")), "listings are refused");
        assertLocked(() -> files().list(maria, PathPolicy.parse(root + "/results")), "listings are refused");
        assertLocked(() -> files().stat(maria, PathPolicy.parse(root + "/a.csv")), "file details are refused");
        assertLocked(() -> files().stat(maria, PathPolicy.parse(root + "/2026/b.csv")), "file details are refused");
        assertLocked(() -> files().stat(maria, PathPolicy.parse(root + "/2026")), "file details are refused");
        assertLocked(() -> files().stat(maria, PathPolicy.parse(root)), "file details are refused");
        assertLocked(() -> files().open(maria, PathPolicy.parse(root + "/a.csv")), "downloads are refused");

        assertThat(files().list(maria, PathPolicy.parse("/globex/" + globexBatch)))
                .as("another tenant's batch is listed as before").extracting(entry -> entry.path().fileName())
                .contains("a.csv", "2026");
        assertThat(files().stat(maria, PathPolicy.parse("/globex/" + globexBatch + "/a.csv")).size()).isEqualTo(5);

        test.core().incidents().lockdown().unlock(acme.tenant(), "all clear", "cli:test");
        assertThat(files().stat(maria, PathPolicy.parse(root + "/a.csv")).size()).isEqualTo(5);
    }

    @Test
    void lockedTenantsBatches_areNotInTheOperatorsBatchList_untilUnlocked() {
        test.core().incidents().lockdown().lockdown(acme.tenant(), "suspected leak", "cli:test");

        assertThat(test.core().batches().available(maria)).extracting(batch -> batch.id())
                .doesNotContain(acmeBatch).contains(globexBatch);

        test.core().incidents().lockdown().unlock(acme.tenant(), "all clear", "cli:test");
        assertThat(test.core().batches().available(maria)).extracting(batch -> batch.id())
                .contains(acmeBatch, globexBatch);
    }

    @Test
    void unacknowledgedPolicyVersion_refusesListingAndStat_likeReads_untilAcknowledged() {
        String root = "/acme/" + acmeBatch;
        test.core().policies().publish(acme.tenant(), "Handle Acme data on site workstations only.\n");
        GatewayException read = catchThrowableOfType(GatewayException.class,
                () -> files().open(maria, PathPolicy.parse(root + "/a.csv")));
        assertThat(read.getCause()).isInstanceOf(PolicyNotAcknowledged.class);

        for (String directory : new String[] {root, root + "/2026", root + "/results"}) {
            assertRefusedLike(read, () -> files().list(maria, PathPolicy.parse(directory)));
        }
        for (String path : new String[] {root + "/a.csv", root + "/2026/b.csv", root + "/2026", root}) {
            assertRefusedLike(read, () -> files().stat(maria, PathPolicy.parse(path)));
        }

        assertThat(files().list(maria, PathPolicy.parse("/acme"))).as("the batch directories above stay listed")
                .extracting(entry -> entry.path().fileName()).containsExactly(acmeBatch);
        assertThat(files().list(maria, PathPolicy.parse("/globex/" + globexBatch)))
                .as("another tenant's batch is listed as before").extracting(entry -> entry.path().fileName())
                .contains("a.csv", "2026");

        test.core().policies().acknowledge(maria, acme.tenant(), OptionalInt.of(1));
        assertThat(files().stat(maria, PathPolicy.parse(root + "/a.csv")).size()).isEqualTo(5);
        assertThat(files().list(maria, PathPolicy.parse(root))).extracting(entry -> entry.path().fileName())
                .contains("a.csv", "2026", "results");
    }

    /** The same reason, message and policy cause as the read's refusal. */
    private static void assertRefusedLike(GatewayException read,
                                          org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED).isEqualTo(read.reason());
            assertThat(e.clientMessage()).isEqualTo(read.clientMessage()).contains("policy v1");
            assertThat(e.getCause()).isInstanceOfSatisfying(PolicyNotAcknowledged.class,
                    cause -> assertThat(cause.version()).isEqualTo(1));
        });
    }

    private FileService files() {
        return test.core().files();
    }

    private static void assertLocked(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String refused) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.TENANT_LOCKED);
            assertThat(e.getMessage()).isEqualTo("the tenant is locked; " + refused);
        });
    }

    private void upload(ClientPrincipal client, String path) {
        try (Upload upload = test.core().ingest().open(client, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap("a,b\n1".getBytes(StandardCharsets.UTF_8)));
            upload.commit();
        }
    }
}
