package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.audit.AuditRecord;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.kek.KekRefusals;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeySlot;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRotationTest {

    @TempDir
    Path home;

    /**
     * A rotation whose audit record cannot be appended (the process dying between the two) is not recorded either:
     * its ROTATE record is appended in the rotation's own transaction (crash-consistency audit L2: it was appended
     * after the rotation had committed, so the catalog recorded version 2 with no key.operation for it). The next
     * rotation goes ahead and is audited.
     */
    @Test
    void aRotationWhoseAuditRecordFails_isNotRecordedEither() {
        try (TestCore test = TestCore.create(home)) {
            TenantId acme = test.client("acme", "acme-up", Protocol.SFTP).tenant();
            AuditLog audit = test.core().audit();
            AuditLog failing = new AuditLog() {
                @Override
                public AuditRecord append(AuditEvent event) {
                    return failOnKeyOperation(event, () -> audit.append(event));
                }

                @Override
                public AuditRecord append(Jdbc jdbc, AuditEvent event) throws SQLException {
                    failOnKeyOperation(event, () -> null);
                    return audit.append(jdbc, event);
                }
            };
            Clock clock = Clock.systemUTC();
            KeyRotation dying = new KeyRotation(test.database(), new TenantRepository(), new FileRepository(),
                    test.keys(), failing, "cli", clock, new KekCatalog(test.database(), test.keys(),
                    new KekRefusals(new SimpleMeterRegistry()), clock));

            assertThatThrownBy(() -> dying.rotate(acme, false)).hasMessageContaining("audit append");

            long recorded = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM kek_versions "
                    + "WHERE kek_tenant = 'acme' AND version > 1"));
            assertThat(recorded).as("no recorded rotation without its key.operation record").isZero();
            assertThat(test.auditOf(acme)).doesNotContain("new KEK version");

            KeyRotation.Result next = test.core().keyRotation().rotate(acme, false);
            assertThat(test.auditOf(acme)).contains("new KEK version " + next.active().version());
        }
    }

    private static AuditRecord failOnKeyOperation(AuditEvent event, Supplier<AuditRecord> otherwise) {
        if (event instanceof AuditEvent.KeyOperation) {
            throw new IllegalStateException("simulated crash before the audit append");
        }
        return otherwise.get();
    }

    @Test
    void rotateWithRewrap_movesEverySlot_leavesPayloadsUntouched_andFilesReadable() throws Exception {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal client = test.client("acme", "acme-up", Protocol.SFTP);
            for (String name : List.of("a", "b", "c")) {
                try (Upload upload = test.core().ingest().open(client, PathPolicy.parse("/inbox/" + name),
                        UploadMode.CREATE)) {
                    upload.write(0, ByteBuffer.wrap(name.repeat(1000).getBytes()));
                    upload.commit();
                }
            }
            List<byte[]> payloadsBefore = objects();

            KeyRotation.Result result = test.core().keyRotation().rotate(client.tenant(), true);

            assertThat(result.active().version()).isEqualTo(2);
            assertThat(result.rewrapped()).isEqualTo(3);
            Database catalog = test.database();
            long onNewVersion = catalog.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM key_slots WHERE kek_version = 2"));
            assertThat(onNewVersion).isEqualTo(3);
            assertThat(objects()).usingRecursiveComparison().isEqualTo(payloadsBefore);
            try (FileContent content = test.core().files().open(client, PathPolicy.parse("/inbox/b"))) {
                ByteBuffer buffer = ByteBuffer.allocate(1000);
                content.read(0, buffer);
                assertThat(new String(buffer.array())).isEqualTo("b".repeat(1000));
            }
            assertThat(test.core().keyRotation().rewrap(client.tenant())).as("running again changes nothing").isZero();
        }
    }

    @Test
    void rewrap_movesTheSlotsOfMoreFilesThanOnePage_andOtherTenantsAreLeftAlone() {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal client = test.client("acme", "acme-up", Protocol.SFTP);
            ClientPrincipal other = test.client("globex", "globex-up", Protocol.SFTP);
            int files = KeyRotation.PAGE * 2 + 1;
            for (int i = 0; i < files; i++) {
                upload(test, client, "/inbox/f" + i);
            }
            upload(test, other, "/inbox/theirs");
            test.core().keyRotation().rotate(client.tenant(), false);
            List<Long> progress = new java.util.ArrayList<>();

            int rewrapped = test.core().keyRotation().rewrap(client.tenant(), new io.vaultgate.core.report.WorkProgress() {
                @Override
                public void total(long units) {
                    progress.add(units);
                }

                @Override
                public void advance(long units) {
                }
            });

            assertThat(rewrapped).isEqualTo(files);
            assertThat(progress).containsExactly((long) files);
            long leftBehind = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM key_slots WHERE "
                    + "kek_tenant = 'acme' AND kek_version <> 2"));
            assertThat(leftBehind).isZero();
            long others = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM key_slots WHERE "
                    + "kek_tenant = 'globex' AND kek_version = 1"));
            assertThat(others).isEqualTo(1);
        }
    }

    @Test
    void disable_refusesAVersionSlotsStillUse_thenRetiresIt_andFilesStayReadable() throws Exception {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal client = test.client("acme", "acme-up", Protocol.SFTP);
            try (Upload upload = test.core().ingest().open(client, PathPolicy.parse("/inbox/a"), UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap("a".repeat(1000).getBytes()));
                upload.commit();
            }
            KeyRotation rotation = test.core().keyRotation();
            rotation.rotate(client.tenant(), false);

            assertThatThrownBy(() -> rotation.disable(client.tenant(), 1)).isInstanceOf(GatewayException.class)
                    .hasMessageContaining("1 key slots").hasMessageContaining("re-wrap");
            assertThatThrownBy(() -> rotation.disable(client.tenant(), 2)).as("the active version")
                    .isInstanceOf(GatewayException.class).hasMessageContaining("active");
            assertThatThrownBy(() -> rotation.disable(client.tenant(), 7)).isInstanceOf(GatewayException.class)
                    .hasMessageContaining("no enabled KEK version 7");
            rotation.rewrap(client.tenant());
            assertThat(rotation.disable(client.tenant(), 1)).isEqualTo(new KekId("acme", 1));

            assertThatThrownBy(() -> test.keys().unwrap(new EnvelopeContext("acme", "f"),
                    new KeySlot("keystore", new KekId("acme", 1), new byte[60])))
                    .isInstanceOf(CryptoException.KeyDisabled.class);
            try (FileContent content = test.core().files().open(client, PathPolicy.parse("/inbox/a"))) {
                ByteBuffer buffer = ByteBuffer.allocate(1000);
                content.read(0, buffer);
                assertThat(new String(buffer.array())).isEqualTo("a".repeat(1000));
            }
            assertThat(test.auditOf(client.tenant())).contains("\"action\":\"DISABLE\"").contains("KEK version 1 disabled");
        }
    }

    private static void upload(TestCore test, ClientPrincipal who, String path) {
        try (Upload upload = test.core().ingest().open(who, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1}));
            upload.commit();
        }
    }

    private List<byte[]> objects() throws Exception {
        Assumptions.assumeFalse(TestStore.s3(), "compares the files of a directory store");
        try (Stream<Path> files = Files.walk(home.resolve("objects"))) {
            return files.filter(Files::isRegularFile).sorted().map(file -> {
                try {
                    return Files.readAllBytes(file);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
