package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.audit.AuditExporter;
import io.vaultgate.core.audit.ExportFilter;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.report.WorkProgress;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmergencyRotationTest {

    @TempDir
    Path home;

    @Test
    void emergencyRotation_rewrapsEverySlotNow_reportsProgress_andIsAuditedAsAnEmergency() throws Exception {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal client = test.client("acme", "acme-up", Protocol.SFTP);
            ClientPrincipal other = test.client("globex", "globex-up", Protocol.SFTP);
            for (String name : List.of("a", "b", "c", "d")) {
                upload(test, client, name);
            }
            upload(test, other, "x");
            AtomicLong total = new AtomicLong();
            AtomicLong done = new AtomicLong();

            KeyRotation.EmergencyResult result = test.core().keyRotation().as("admin:root")
                    .emergencyRotate(client.tenant(), new WorkProgress() {
                        @Override
                        public void total(long units) {
                            total.set(units);
                        }

                        @Override
                        public void advance(long units) {
                            done.addAndGet(units);
                        }
                    });

            assertThat(result.active().version()).isEqualTo(2);
            assertThat(result.rewrapped()).isEqualTo(4);
            assertThat(result.remaining()).isZero();
            assertThat(total.get()).isEqualTo(4);
            assertThat(done.get()).isEqualTo(4);
            {
                Database catalog = test.database();
                long acmeOnV2 = catalog.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM key_slots WHERE kek_tenant = "
                        + "'acme' AND kek_version = 2"));
                long globexOnV1 = catalog.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM key_slots WHERE kek_tenant = "
                        + "'globex' AND kek_version = 1"));
                assertThat(acmeOnV2).isEqualTo(4);
                assertThat(globexOnV1).as("other tenants are untouched").isEqualTo(1);
                StringWriter audit = new StringWriter();
                new AuditExporter(catalog, Clock.systemUTC()).export(new ExportFilter(Instant.EPOCH,
                        Instant.parse("2100-01-01T00:00:00Z"), Optional.of(client.tenant()), Optional.empty()), audit);
                assertThat(audit.toString()).contains("\"actor\":\"admin:root\"")
                        .contains("emergency: new KEK version 2")
                        .contains("emergency rotation done: 4 key slots re-wrapped, 0 still under older versions");
            }
            try (FileContent content = test.core().files().open(client, PathPolicy.parse("/inbox/c"))) {
                ByteBuffer buffer = ByteBuffer.allocate(1000);
                content.read(0, buffer);
                assertThat(new String(buffer.array())).isEqualTo("c".repeat(1000));
            }
        }
    }

    @Test
    void unknownTenant_isNotFound_andNothingRotates() {
        try (TestCore test = TestCore.create(home)) {
            assertThatThrownBy(() -> test.core().keyRotation().emergencyRotate(TenantId.of("nobody"), WorkProgress.NONE))
                    .isInstanceOf(GatewayException.class).hasMessageContaining("does not exist");
        }
    }

    private static void upload(TestCore test, ClientPrincipal client, String name) {
        try (Upload upload = test.core().ingest().open(client, PathPolicy.parse("/inbox/" + name), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(name.repeat(1000).getBytes()));
            upload.commit();
        }
    }
}
