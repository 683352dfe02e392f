package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadMetricsTest {

    private static final VirtualPath FILE = PathPolicy.parse("/inbox/report.csv");
    private static final int SIZE = 100_000;

    @TempDir
    Path home;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private TestCore test;
    private ClientPrincipal alice;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new CoreMetrics(registry, TenantLabels.defaults(), Clock.systemUTC()));
        alice = test.client("acme", "alice", Protocol.HTTPS);
        try (Upload upload = test.core().ingest().open(alice, FILE, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.allocate(SIZE));
            upload.commit();
        }
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void fileReadToTheEnd_countsACompletedDownloadAndItsBytes() throws Exception {
        try (FileContent content = test.core().files().open(alice, FILE)) {
            ByteBuffer buffer = ByteBuffer.allocate(32_768);
            long position = 0;
            for (int n; (n = content.read(position, buffer.clear())) > 0; ) {
                position += n;
            }
        }

        assertThat(transfers("completed")).isEqualTo(1);
        assertThat(registry.get("vaultgate.transfer.bytes").tags("direction", "out", "tenant", "acme").counter()
                .count()).isEqualTo(SIZE);
        assertThat(registry.get("vaultgate.transfer.size").tag("direction", "out").summary().totalAmount())
                .isEqualTo(SIZE);
    }

    @Test
    void fileClosedBeforeItsEnd_countsAnIncompleteDownload() throws Exception {
        try (FileContent content = test.core().files().open(alice, FILE)) {
            content.read(0, ByteBuffer.allocate(1_000));
        }

        assertThat(transfers("incomplete")).isEqualTo(1);
        assertThat(registry.get("vaultgate.transfer.bytes").tags("direction", "out").counter().count())
                .isEqualTo(1_000);
    }

    @Test
    void downloadInProgress_isListedWithItsSize() throws Exception {
        try (FileContent content = test.core().files().open(alice, FILE)) {
            content.read(0, ByteBuffer.allocate(500));

            assertThat(test.core().metrics().transfers().inProgress()).singleElement().satisfies(t -> {
                assertThat(t.direction()).isEqualTo("out");
                assertThat(t.bytes()).isEqualTo(500);
                assertThat(t.size()).isEqualTo(SIZE);
            });
        }
        assertThat(test.core().metrics().transfers().inProgress()).isEmpty();
    }

    private double transfers(String outcome) {
        return registry.get("vaultgate.transfers").tags("protocol", "https", "direction", "out", "outcome", outcome,
                "tenant", "acme").counter().count();
    }
}
