package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.CryptoException.ReorderMemoryFull;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each upload takes its early bytes from its tenant's share of the reorder memory (review33 L3): one tenant's uploads
 * past the share are refused naming it, another tenant's go on, and the share comes back when the uploads end. Each
 * refusal is counted by the bound it met.
 */
class ReorderShareIngestTest {

    private static final int S = 64 * 1024;

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal mallory;
    private ClientPrincipal alice;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64).withReorderMemory(8L * S));
        mallory = test.client("globex", "mallory", Protocol.SFTP);
        alice = test.client("acme", "alice", Protocol.SFTP);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void byDefault_aTenantHoldsAQuarter_isRefusedPastItNamingTheShare_andGetsItBackWhenItsUploadsEnd() {
        Upload first = test.core().ingest().open(mallory, PathPolicy.parse("/inbox/a"), UploadMode.CREATE);
        first.write(S, ByteBuffer.wrap(new byte[] {1}));
        first.write(2L * S, ByteBuffer.wrap(new byte[] {1}));
        try (Upload second = test.core().ingest().open(mallory, PathPolicy.parse("/inbox/b"), UploadMode.CREATE)) {
            assertThatThrownBy(() -> second.write(S, ByteBuffer.wrap(new byte[] {1})))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                        assertThat(e.getCause()).isInstanceOf(ReorderMemoryFull.class);
                        assertThat(e.clientMessage()).contains("/inbox/b", "this tenant's share",
                                "uploads.reorder-memory-per-tenant");
                    });

            assertThat(refused("tenant", "globex")).isEqualTo(1.0);
            assertThat(refused("process", "globex")).isZero();

            try (Upload honest = test.core().ingest().open(alice, PathPolicy.parse("/inbox/h"), UploadMode.CREATE)) {
                honest.write(S, ByteBuffer.allocate(S));
                honest.write(2L * S, ByteBuffer.allocate(S));
                honest.write(0, ByteBuffer.allocate(S));
                assertThat(honest.commit().size()).isEqualTo(3L * S);
            }
        }
        first.abort();

        try (Upload again = test.core().ingest().open(mallory, PathPolicy.parse("/inbox/c"), UploadMode.CREATE)) {
            again.write(S, ByteBuffer.wrap(new byte[] {1}));
            again.write(2L * S, ByteBuffer.wrap(new byte[] {1}));
            again.write(0, ByteBuffer.allocate(S));
            again.write(S + 1, ByteBuffer.allocate(S - 1));
            again.write(2L * S + 1, ByteBuffer.allocate(10));
            assertThat(again.commit().size()).isEqualTo(2L * S + 11);
        }
    }

    @Test
    void aWriteRefusedForTheWholeMemory_isCountedAgainstTheProcessBound(@TempDir Path other) {
        test.close();
        test = TestCore.create(other, new GatewayCore.Settings(Duration.ofHours(24), 64)
                .withReorderMemory(2L * S).withReorderMemoryPerTenant(2L * S));
        mallory = test.client("globex", "mallory", Protocol.SFTP);
        alice = test.client("acme", "alice", Protocol.SFTP);
        try (Upload first = test.core().ingest().open(mallory, PathPolicy.parse("/inbox/a"), UploadMode.CREATE);
             Upload second = test.core().ingest().open(alice, PathPolicy.parse("/inbox/b"), UploadMode.CREATE)) {
            first.write(S, ByteBuffer.wrap(new byte[] {1}));
            first.write(2L * S, ByteBuffer.wrap(new byte[] {1}));

            assertThatThrownBy(() -> second.write(S, ByteBuffer.wrap(new byte[] {1})))
                    .hasCauseInstanceOf(ReorderMemoryFull.class);
            assertThat(refused("process", "acme")).isEqualTo(1.0);
            assertThat(refused("tenant", "acme")).isZero();
            assertThat(refused("process", "globex")).isZero();
            first.abort();
        }
    }

    /** {@code vaultgate_uploads_reorder_refused_total} of the SFTP protocol, {@code bound} and {@code tenant}. */
    private double refused(String bound, String tenant) {
        Counter counter = test.core().metrics().registry().find("vaultgate.uploads.reorder.refused")
                .tags("protocol", "sftp", "bound", bound, "tenant", tenant).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aShareLargerThanTheMemory_isRefused() {
        GatewayCore.Settings settings = new GatewayCore.Settings(Duration.ofHours(24), 64).withReorderMemory(8L * S);
        assertThatThrownBy(() -> settings.withReorderMemoryPerTenant(9L * S))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 to " + 8L * S);
    }
}
