package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
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
 * still sees its tenant's.
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
}
