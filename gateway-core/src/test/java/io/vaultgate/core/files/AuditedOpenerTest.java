package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.audit.AuditRecord;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.CatalogIndependent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What leaves the gateway is on record before it leaves: a read that cannot be audited serves nothing. */
@CatalogIndependent
class AuditedOpenerTest {

    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    private static final byte[] CONTENT = "id,amount\n1,100\n".getBytes(StandardCharsets.UTF_8);
    private static final FileRecord FILE = new FileRecord("f_1", TenantId.of("acme"), "acc_1",
            PathPolicy.parse("/inbox/a.csv"), FileState.COMMITTED, new ObjectId("0".repeat(32)), CONTENT.length,
            Optional.of("0".repeat(64)), NOW, NOW);

    private final List<String> appended = new ArrayList<>();
    private final List<String> readsServed = new ArrayList<>();
    private boolean auditFails;

    @Test
    void theStartIsRecordedBeforeTheFirstByte_andTheBytesWhenTheFileCloses() throws IOException {
        try (FileContent content = opener().open(FILE, "maria")) {
            assertThat(appended).as("an open alone records no start").isEmpty();
            content.read(4, ByteBuffer.allocate(64));
            content.read(0, ByteBuffer.allocate(4));
            assertThat(appended).containsExactly("file.download_started maria offset=4");
        }
        assertThat(appended).containsExactly("file.download_started maria offset=4",
                "file.downloaded maria bytes=" + CONTENT.length);
    }

    @Test
    void aReadThatCannotBeAudited_failsBeforeAnythingIsRead() throws IOException {
        auditFails = true;
        try (FileContent content = opener().open(FILE, "maria")) {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            assertThatThrownBy(() -> content.read(0, buffer)).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot be audited");
            assertThat(buffer.position()).isZero();
            assertThat(readsServed).as("the stored content was not even read").isEmpty();
            auditFails = false;
        }
    }

    private AuditedOpener opener() {
        FileOpener stored = file -> new FileContent() {
            @Override
            public String fileId() {
                return file.id();
            }

            @Override
            public long size() {
                return CONTENT.length;
            }

            @Override
            public String sha256() {
                return file.sha256().orElseThrow();
            }

            @Override
            public int read(long position, ByteBuffer dst) {
                readsServed.add("at " + position);
                int length = (int) Math.min(dst.remaining(), CONTENT.length - position);
                dst.put(CONTENT, (int) position, length);
                return length;
            }

            @Override
            public void close() {
            }
        };
        return new AuditedOpener(stored, new RecordingLog(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private final class RecordingLog implements AuditLog {
        @Override
        public AuditRecord append(AuditEvent event) {
            if (auditFails) {
                throw new IllegalStateException("catalog unavailable");
            }
            String detail = event instanceof AuditEvent.DownloadStarted started ? "offset=" + started.offset()
                    : event instanceof AuditEvent.Downloaded downloaded ? "bytes=" + downloaded.bytes() : "";
            appended.add(event.kind() + " " + event.actor() + " " + detail);
            return null;
        }

        @Override
        public AuditRecord append(Jdbc jdbc, AuditEvent event) {
            return append(event);
        }
    }
}
