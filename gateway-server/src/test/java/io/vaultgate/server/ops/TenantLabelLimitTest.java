package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ops.tenant-label-limit} bounds the {@code tenant} label of a running gateway's metrics. */
class TenantLabelLimitTest {

    @TempDir
    Path home;

    @Test
    void tenantsBeyondTheLimit_shareTheOtherLabel() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of("ops.tenant-label-limit", "1"))) {
            upload(gateway, gateway.alice(Protocol.SFTP), 100);
            upload(gateway, secondTenant(gateway), 200);

            String metrics = gateway.ops("/metrics").body();

            assertThat(metrics).contains("vaultgate_transfer_bytes_total{direction=\"in\",protocol=\"sftp\",tenant=\"acme\"} 100.0",
                    "vaultgate_transfer_bytes_total{direction=\"in\",protocol=\"sftp\",tenant=\"other\"} 200.0");
            assertThat(metrics).doesNotContain("tenant=\"globex\"");
        }
    }

    @Test
    void aLimitOfZero_dropsTheTenantLabel() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of("ops.tenant-label-limit", "0"))) {
            upload(gateway, gateway.alice(Protocol.SFTP), 100);
            upload(gateway, secondTenant(gateway), 200);

            String metrics = gateway.ops("/metrics").body();

            assertThat(metrics).contains("vaultgate_transfer_bytes_total{direction=\"in\",protocol=\"sftp\",tenant=\"all\"} 300.0",
                    "vaultgate_tenant_stored_bytes{tenant=\"all\"} 300.0");
            assertThat(metrics).doesNotContain("tenant=\"acme\"", "tenant=\"globex\"");
        }
    }

    private static ClientPrincipal secondTenant(RunningGateway gateway) {
        gateway.app.core().administration().createTenant(TenantId.of("globex"), "Globex", false);
        Account bob = gateway.app.core().administration().createAccount(TenantId.of("globex"), "bob");
        return new ClientPrincipal(bob.id(), "bob", TenantId.of("globex"), Protocol.SFTP);
    }

    private static void upload(RunningGateway gateway, ClientPrincipal who, int size) throws Exception {
        try (Upload upload = gateway.app.core().ingest().open(who, PathPolicy.parse("/inbox/f"), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.allocate(size));
            upload.commit();
        }
    }
}
