package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileService#space} (SFTP {@code statvfs}, {@code space-available}) tells an operator nothing of a tenant's
 * quota or use, not even inside a batch it holds: the use is all the tenant's accounts' bytes and files. The client
 * still sees its tenant's. Nor does a result the quota has no room for: its refusal names no figure.
 */
class OperatorStorageSpaceTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal client;
    private OperatorPrincipal maria;
    private String root;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        ClientPrincipal other = test.client("acme", "acme-hr", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        test.core().administration().setQuota(ACME, new Quota(10_000, 50));
        test.core().sites().addRoute(ACME, "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 100, 0,
                Duration.ofMinutes(10));
        test.upload(other, "/inbox/hr.csv", "another account's file");
        test.upload(client, "/inbox/a.csv", "a");
        test.upload(client, "/inbox/a.ready", "");
        Batch batch = test.core().batches().claim(maria, test.core().batches().available(maria).get(0).id());
        root = "/acme/" + batch.id();
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void operatorHoldingABatch_seesNoQuotaAndNoUse_anywhereInIt() {
        for (String path : List.of("/", "/acme", root, root + "/a.csv", root + "/results")) {
            assertThat(test.core().files().space(maria, PathPolicy.parse(path))).as(path).isEqualTo(StorageSpace.NONE);
        }
        assertThat(test.core().files().space(client, PathPolicy.parse("/inbox")).usedFiles())
                .as("the client still sees its tenant's use").isEqualTo(3);
    }

    @Test
    void operatorHoldingABatch_ofALockedTenant_seesNoQuotaAndNoUse() {
        test.core().incidents().lockdown().lockdown(ACME, "incident", "cli:test");

        assertThat(test.core().files().space(maria, PathPolicy.parse(root))).isEqualTo(StorageSpace.NONE);
    }

    @Test
    void operatorHoldingABatch_withTheTenantsPolicyUnacknowledged_seesNoQuotaAndNoUse() {
        test.core().policies().publish(ACME, "Handle Acme data on site workstations only.");

        assertThat(test.core().files().space(maria, PathPolicy.parse(root))).isEqualTo(StorageSpace.NONE);
    }

    @Test
    void operatorsResultPastTheByteQuota_isRefused_namingNeitherTheQuotaNorTheUse() {
        try (Upload result = test.core().ingest().open(maria, PathPolicy.parse(root + "/results/r.csv"),
                UploadMode.CREATE)) {
            assertThatThrownBy(() -> result.write(0, ByteBuffer.allocate(20_000)))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertNoFigures(e));
        }
        try (Upload own = test.core().ingest().open(client, PathPolicy.parse("/inbox/big.csv"), UploadMode.CREATE)) {
            assertThatThrownBy(() -> own.write(0, ByteBuffer.allocate(20_000)))
                    .as("the tenant's own client is told the quota it met")
                    .isInstanceOfSatisfying(GatewayException.class,
                            e -> assertThat(e.clientMessage()).contains("quota of 10000 bytes"));
        }
    }

    @Test
    void operatorsResult_whenTheClientsFillTheQuotaWhileItIsOpen_isRefusedAtCommit_namingNoFigure() {
        try (Upload result = test.core().ingest().open(maria, PathPolicy.parse(root + "/results/r.csv"),
                UploadMode.CREATE)) {
            result.write(0, ByteBuffer.allocate(2_000));
            test.upload(client, "/inbox/meanwhile.csv", "x".repeat(9_000));

            assertThatThrownBy(result::commit).isInstanceOfSatisfying(GatewayException.class, e -> assertNoFigures(e));
        }
    }

    @Test
    void operatorsResult_whenTheFileQuotaIsReached_isRefused_namingNeitherTheQuotaNorTheUse() {
        test.core().administration().setQuota(ACME, new Quota(10_000, 3));

        assertThatThrownBy(() -> test.core().ingest().open(maria, PathPolicy.parse(root + "/results/r.csv"),
                UploadMode.CREATE)).isInstanceOfSatisfying(GatewayException.class, e -> assertNoFigures(e));
        assertThatThrownBy(() -> test.upload(client, "/inbox/fourth.csv", "d"))
                .as("the tenant's own client is told the quota it met")
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.clientMessage()).contains("quota of 3 files"));
    }

    /** Refused for the quota, with a message that names no quota and no use (review34 M3). */
    private static void assertNoFigures(GatewayException e) {
        assertThat(e.reason()).isEqualTo(Reason.QUOTA_EXCEEDED);
        String message = e.clientMessage();
        assertThat(message.substring(message.indexOf(": ") + 2)).as("after the result's path")
                .isEqualTo("the tenant's storage has no room for this result now; it was not stored");
    }
}
