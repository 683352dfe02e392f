package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferMetricsTest {

    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.csv");

    @TempDir
    Path home;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private TestCore test;
    private ClientPrincipal alice;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new CoreMetrics(registry, TenantLabels.defaults(), Clock.systemUTC()));
        alice = test.client("acme", "alice", Protocol.SFTP);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void committedUpload_countsOneTransferItsBytesAndItsSize() {
        try (Upload upload = open()) {
            upload.write(0, ByteBuffer.allocate(70_000));
            upload.write(70_000, ByteBuffer.allocate(30_000));
            upload.commit();
        }

        assertThat(transfers("committed")).isEqualTo(1);
        assertThat(registry.get("vaultgate.transfer.bytes").tags("protocol", "sftp", "direction", "in",
                "tenant", "acme").counter().count()).isEqualTo(100_000);
        assertThat(registry.get("vaultgate.transfer.size").summary().totalAmount()).isEqualTo(100_000);
        assertThat(registry.get("vaultgate.transfer.duration").tag("outcome", "committed").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("vaultgate.transfers.started").counter().count()).isEqualTo(1);
    }

    @Test
    void abortedUpload_countsAsAborted() {
        try (Upload upload = open()) {
            upload.write(0, ByteBuffer.allocate(10));
            upload.abort();
        }

        assertThat(transfers("aborted")).isEqualTo(1);
        assertThat(registry.find("vaultgate.transfers").tag("outcome", "committed").counter()).isNull();
    }

    @Test
    void closingWithoutCommit_countsAsSuspended() {
        try (Upload upload = open()) {
            upload.write(0, ByteBuffer.allocate(200_000));
        }

        assertThat(transfers("suspended")).isEqualTo(1);
    }

    @Test
    void uploadRefusedForQuota_countsAsFailed_once() {
        test.core().administration().setQuota(alice.tenant(), new Quota(1_000, 0));
        try (Upload upload = open()) {
            assertThatThrownBy(() -> upload.write(0, ByteBuffer.allocate(5_000)))
                    .isInstanceOf(GatewayException.class);
        }

        assertThat(transfers("failed")).isEqualTo(1);
        assertThat(registry.find("vaultgate.transfers").tag("outcome", "suspended").counter()).isNull();
        assertThat(test.core().metrics().transfers().recentFailures()).singleElement()
                .satisfies(failed -> assertThat(failed.transfer().tenant()).isEqualTo(alice.tenant().value()));
    }

    @Test
    void recentFailures_keepOnlyTheNewestTwenty_newestFirst() {
        test.core().administration().setQuota(alice.tenant(), new Quota(1_000, 0));
        for (int i = 0; i < 25; i++) {
            try (Upload upload = test.core().ingest().open(alice, PathPolicy.parse("/inbox/f" + i), UploadMode.CREATE)) {
                assertThatThrownBy(() -> upload.write(0, ByteBuffer.allocate(5_000)))
                        .isInstanceOf(GatewayException.class);
            }
        }

        assertThat(test.core().metrics().transfers().recentFailures()).hasSize(20)
                .first().satisfies(failed -> assertThat(failed.transfer().path()).isEqualTo("/inbox/f24"));
    }

    @Test
    void uploadInProgress_isActiveAndListedWithItsBytes() {
        try (Upload upload = open()) {
            upload.write(0, ByteBuffer.allocate(1_234));

            assertThat(registry.get("vaultgate.uploads.active").gauge().value()).isEqualTo(1);
            assertThat(test.core().metrics().transfers().inProgress()).singleElement().satisfies(t -> {
                assertThat(t.bytes()).isEqualTo(1_234);
                assertThat(t.tenant()).isEqualTo("acme");
                assertThat(t.principal()).isEqualTo("alice");
                assertThat(t.path()).isEqualTo("/inbox/report.csv");
            });
            upload.commit();
        }

        assertThat(registry.get("vaultgate.uploads.active").gauge().value()).isZero();
        assertThat(test.core().metrics().transfers().inProgress()).isEmpty();
    }

    @Test
    void resumedUpload_countsOnlyTheBytesSentAfterTheResume() {
        try (Upload upload = open()) {
            upload.write(0, ByteBuffer.allocate(131_072));
        }
        try (Upload upload = test.core().ingest().open(alice, REPORT, UploadMode.RESUME)) {
            upload.write(upload.resumeOffset(), ByteBuffer.allocate(1_000));
            upload.commit();
        }

        assertThat(transfers("committed")).isEqualTo(1);
        assertThat(registry.get("vaultgate.transfers.started").counter().count()).isEqualTo(2);
        assertThat(registry.get("vaultgate.transfer.bytes").counter().count()).isEqualTo(131_072 + 1_000);
    }

    private Upload open() {
        return test.core().ingest().open(alice, REPORT, UploadMode.CREATE);
    }

    private double transfers(String outcome) {
        return registry.get("vaultgate.transfers").tags("protocol", "sftp", "direction", "in", "outcome", outcome,
                "tenant", "acme").counter().count();
    }
}
