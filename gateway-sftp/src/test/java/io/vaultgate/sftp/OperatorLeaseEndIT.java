package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.batch.LeaseCheck;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.sftp.testing.ClientKeys;
import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.CheckFileHandleExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator's read handle lives no longer than the lease it was opened under: maria opens a file of one batch and
 * one of another she holds, reads part of each, then the first lease ends (completed, ran out, returned by
 * maintenance, claimed by marco after it ran out). Her next READ on that handle is answered
 * {@code SSH_FX_PERMISSION_DENIED} naming the batch, with no data, and so is a {@code check-file-handle} for the whole
 * file's SHA-256 (answered from the stored digest, no read); the session stays up and the other batch reads on. The core's clock is a {@link MutableClock}: leases run out, and the catalog is re-read, when the test moves it.
 * Each test uses its own folders and routes, one file per batch.
 */
class OperatorLeaseEndIT {

    private static final Duration LEASE = Duration.ofMinutes(30);
    private static final int SIZE = 96 * 1024;
    private static final int PART = 32 * 1024;
    private static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults().withClock(CLOCK).withCoreSettings(
            s -> new GatewayCore.Settings(s.partialExpiry(), s.reorderWindowSegments(), LEASE, s.auditCheckpoints(),
                    s.access(), s.node()));
    static OperatorPrincipal maria;
    static OperatorPrincipal marco;
    static Path mariasKey;

    @BeforeAll
    static void operators() throws Exception {
        var sites = gateway.core().sites();
        sites.createSite("manila", "Manila processing");
        maria = sites.createOperator("manila", "maria").principal(Protocol.SFTP);
        marco = sites.createOperator("manila", "marco").principal(Protocol.HTTPS);
        ClientKeys.Key key = ClientKeys.generate(gateway.directory(), "maria", "ed25519");
        sites.addOperatorSshKey("maria", key.publicLine());
        mariasKey = key.privateKey();
    }

    @Test
    void completedBatch_refusesTheNextRead_onAHandleOpenedBefore() throws Exception {
        Reading reading = openBoth("completed");

        gateway.core().batches().complete(maria, reading.batch());
        CLOCK.advance(LeaseCheck.DEFAULT_INTERVAL);

        reading.assertRefused("the batch was completed");
        reading.assertOtherReadsOn();
    }

    @Test
    void leaseThatRanOut_refusesTheNextRead_evenAfterTheHolderRenewsIt() throws Exception {
        Reading reading = openBoth("expired");

        CLOCK.advance(LEASE.dividedBy(2));
        reading.assertRefused("the lease ran out");
        gateway.core().batches().claim(maria, reading.batch());
        reading.assertRefused("the lease ran out");
        reading.assertOtherReadsOn();
        assertThat(readAll(reading.operator().sftp(), reading.path())).as("a file opened under the renewed lease reads")
                .isEqualTo(reading.content());
    }

    @Test
    void batchReturnedByMaintenance_refusesTheNextRead() throws Exception {
        Reading reading = openBoth("released");

        CLOCK.advance(LEASE.dividedBy(2));
        gateway.core().batches().maintain();
        assertThat(gateway.core().batches().byTenant(TenantId.of(TestSftpGateway.TENANT)))
                .filteredOn(b -> b.id().equals(reading.batch())).singleElement()
                .satisfies(b -> assertThat(b.state()).isEqualTo(BatchState.READY));

        reading.assertRefused("the lease ran out");
        reading.assertOtherReadsOn();
    }

    @Test
    void batchClaimedByAColleagueAfterTheLeaseRanOut_refusesTheNextRead() throws Exception {
        Reading reading = openBoth("reassigned");

        CLOCK.advance(LEASE.dividedBy(2));
        gateway.core().batches().maintain();
        gateway.core().batches().claim(marco, reading.batch());

        reading.assertRefused("the batch is claimed by another operator");
        reading.assertOtherReadsOn();
    }

    /**
     * Maria's session reading two batches of {@code folder}: she claims the first, half a lease later the second, and
     * opens a file of each and reads its first {@value #PART} bytes. Ending the first lease by running out then
     * leaves the second held for another half lease.
     */
    private Reading openBoth(String folder) throws Exception {
        byte[] content = new byte[SIZE];
        new Random(folder.hashCode()).nextBytes(content);
        String batch = claimedBatch(folder, content);
        CLOCK.advance(LEASE.dividedBy(2));
        String other = claimedBatch("other-" + folder, content);
        MinaSftp operator = gateway.track(MinaSftp.connect(gateway.port(), "maria", mariasKey));
        SftpClient sftp = operator.sftp();
        String path = "/acme/" + batch + "/" + folder + "/data.bin";
        String otherPath = "/acme/" + other + "/other-" + folder + "/data.bin";
        SftpClient.CloseableHandle handle = sftp.open(path);
        SftpClient.CloseableHandle otherHandle = sftp.open(otherPath);
        assertThat(read(sftp, handle, 0, PART)).isEqualTo(Arrays.copyOf(content, PART));
        assertThat(read(sftp, otherHandle, 0, PART)).isEqualTo(Arrays.copyOf(content, PART));
        return new Reading(operator, content, batch, path, handle, otherPath, otherHandle);
    }

    private record Reading(MinaSftp operator, byte[] content, String batch, String path,
                           SftpClient.CloseableHandle handle, String otherPath, SftpClient.CloseableHandle otherHandle) {

        void assertRefused(String reason) {
            byte[] buffer = new byte[PART];
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> operator.sftp().read(handle, PART, buffer, 0, PART))
                        .isInstanceOfSatisfying(SftpException.class, e -> {
                            assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED);
                            assertThat(e.getMessage()).contains("batch " + batch, reason);
                        });
            }
            assertThat(buffer).as("no data came with the refusal").containsOnly(0);
            assertThatThrownBy(() -> operator.sftp().getExtension(CheckFileHandleExtension.class)
                    .checkFileHandle(handle, List.of("sha256"), 0, 0, 0))
                    .as("the whole file's stored SHA-256 is refused by the handle like its bytes (review34 L7)")
                    .isInstanceOfSatisfying(SftpException.class, e -> {
                        assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED);
                        assertThat(e.getMessage()).contains("batch " + batch, reason);
                    });
        }

        /** The session is still up, and the batch she still holds reads to its end, by the handle and anew. */
        void assertOtherReadsOn() throws Exception {
            SftpClient sftp = operator.sftp();
            assertThat(read(sftp, otherHandle, PART, SIZE - PART))
                    .isEqualTo(Arrays.copyOfRange(content, PART, SIZE));
            otherHandle.close();
            assertThat(readAll(sftp, otherPath)).isEqualTo(content);
            handle.close();
        }
    }

    private static byte[] readAll(SftpClient sftp, String path) throws Exception {
        try (SftpClient.CloseableHandle handle = sftp.open(path)) {
            return read(sftp, handle, 0, SIZE + 1);
        }
    }

    private static byte[] read(SftpClient sftp, SftpClient.Handle handle, long offset, int length) throws Exception {
        byte[] buffer = new byte[length];
        int total = 0;
        while (total < length) {
            int n = sftp.read(handle, offset + total, buffer, total, length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return Arrays.copyOf(buffer, total);
    }

    /** Uploads {@code /inbox/<folder>/data.bin} as alice, routed alone into a batch of manila, claimed by maria. */
    private static String claimedBatch(String folder, byte[] content) throws Exception {
        String route = gateway.core().sites().addRoute(TenantId.of(TestSftpGateway.TENANT), "manila", RouteMode.PULL,
                PathPolicy.parse("/inbox/" + folder), 1, 0, Duration.ofMinutes(10)).id();
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            alice.sftp().mkdir("/inbox/" + folder);
            try (OutputStream out = alice.sftp().write("/inbox/" + folder + "/data.bin")) {
                out.write(content);
            }
        }
        List<String> ready = gateway.core().batches().available(maria).stream()
                .filter(b -> b.state() == BatchState.READY && b.routeId().equals(route)).map(b -> b.id()).toList();
        assertThat(ready).hasSize(1);
        return gateway.core().batches().claim(maria, ready.get(0)).id();
    }
}
