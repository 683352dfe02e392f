package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileService#space}: a client sees its own tenant's quota and use (committed files and partials, as the
 * quota check counts them), never another tenant's; an operator outside a batch it holds sees no quota.
 */
class StorageSpaceTest {

    @TempDir
    Path home;

    @Test
    void client_seesItsTenantsQuotaAndUse_partialsIncluded_notOtherTenants() {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
            ClientPrincipal gus = test.client("globex", "gus", Protocol.SFTP);
            test.core().administration().setQuota(TenantId.of("acme"), new Quota(10_000, 5));
            upload(test, alice, "/inbox/a.bin", 1_000, true);
            upload(test, alice, "/inbox/partial.bin", 300, false);
            upload(test, gus, "/inbox/g.bin", 7_000, true);

            StorageSpace space = test.core().files().space(alice, PathPolicy.parse("/inbox"));
            assertThat(space).isEqualTo(new StorageSpace(10_000, 1_300, 5, 2));
            assertThat(space.freeBytes()).isEqualTo(8_700);
            assertThat(test.core().files().space(alice, PathPolicy.parse("/"))).isEqualTo(space);

            StorageSpace other = test.core().files().space(gus, PathPolicy.parse("/outbox"));
            assertThat(other.limitsBytes()).isFalse();
            assertThat(other.usedBytes()).isEqualTo(7_000);
            assertThat(other.freeBytes()).isEqualTo(Long.MAX_VALUE - 7_000);
            assertThatThrownBy(() -> test.core().files().space(alice, PathPolicy.parse("/elsewhere")))
                    .isInstanceOf(GatewayException.class)
                    .satisfies(e -> assertThat(((GatewayException) e).reason()).isEqualTo(GatewayException.Reason.NOT_FOUND));
        }
    }

    @Test
    void operatorWithoutABatch_seesNoQuota_evenUnderATenantsName() {
        try (TestCore test = TestCore.create(home)) {
            test.client("acme", "alice", Protocol.SFTP);
            test.core().administration().setQuota(TenantId.of("acme"), new Quota(10_000, 0));
            OperatorPrincipal maria = test.operator("manila", "maria", Protocol.SFTP);

            assertThat(test.core().files().space(maria, PathPolicy.parse("/"))).isEqualTo(StorageSpace.NONE);
            assertThat(test.core().files().space(maria, PathPolicy.parse("/acme/b1"))).isEqualTo(StorageSpace.NONE);
        }
    }

    @Test
    void usedBeyondALoweredQuota_leavesNothingFree() {
        assertThat(new StorageSpace(100, 150, 0, 1).freeBytes()).isZero();
    }

    private static void upload(TestCore test, ClientPrincipal principal, String path, int size, boolean commit) {
        Upload upload = test.core().ingest().open(principal, PathPolicy.parse(path), UploadMode.CREATE);
        upload.write(0, ByteBuffer.wrap(new byte[size]));
        if (commit) {
            upload.commit();
        } else {
            upload.suspend();
        }
    }
}
