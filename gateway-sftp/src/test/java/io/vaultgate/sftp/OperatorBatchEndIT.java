package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.sftp.testing.ClientKeys;
import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator's SFTP session may still do with a batch once it no longer holds it: the batch was completed,
 * or its lease ran out; and a batch its client's SFTP rename left without files is never offered. Each test routes and claims a batch of its own (route {@code PULL} from its own folder,
 * one file per batch). The core's clock is a {@link MutableClock}: a lease runs out when the test moves it, not while a
 * slow machine is still connecting.
 */
class OperatorBatchEndIT {

    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults().withClock(CLOCK).withCoreSettings(
            s -> new GatewayCore.Settings(s.partialExpiry(), s.reorderWindowSegments(), LEASE, s.auditCheckpoints(),
                    s.access(), s.node()));
    static OperatorPrincipal maria;
    static Path mariasKey;

    @BeforeAll
    static void operator() throws Exception {
        var sites = gateway.core().sites();
        sites.createSite("manila", "Manila processing");
        maria = sites.createOperator("manila", "maria").principal(Protocol.SFTP);
        ClientKeys.Key key = ClientKeys.generate(gateway.directory(), "maria", "ed25519");
        sites.addOperatorSshKey("maria", key.publicLine());
        mariasKey = key.privateKey();
    }

    @Test
    void resultOpenedWhileClaimed_isRefusedAtClose_onceTheBatchWasCompleted() throws Exception {
        String batch = claimedBatch("completed");
        try (MinaSftp operator = MinaSftp.connect(gateway.port(), "maria", mariasKey)) {
            SftpClient sftp = operator.sftp();
            SftpClient.CloseableHandle late = sftp.open("/acme/" + batch + "/results/late.txt",
                    EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate));
            sftp.write(late, 0, "late result".getBytes(StandardCharsets.UTF_8));
            gateway.core().batches().complete(maria, batch);

            assertThatThrownBy(late::close).isInstanceOf(SftpException.class);
        }
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            assertThatThrownBy(() -> alice.sftp().stat("/outbox/" + batch + "/late.txt"))
                    .as("nothing published after the batch was completed").isInstanceOf(SftpException.class);
        }
    }

    @Test
    void batchWhoseLeaseRanOut_isGoneFromItsOperatorsView_beforeMaintenanceReturnsIt() throws Exception {
        String batch = claimedBatch("expired");
        try (MinaSftp operator = MinaSftp.connect(gateway.port(), "maria", mariasKey)) {
            SftpClient sftp = operator.sftp();
            assertThat(sftp.stat("/acme/" + batch + "/expired/a.txt").getSize()).isEqualTo(6);
            CLOCK.advance(LEASE.plusSeconds(1));

            assertThatThrownBy(() -> sftp.stat("/acme/" + batch + "/expired/a.txt")).isInstanceOf(SftpException.class);
            assertThatThrownBy(() -> sftp.open("/acme/" + batch + "/results/r.txt",
                    EnumSet.of(OpenMode.Write, OpenMode.Create))).isInstanceOf(SftpException.class);
        }
    }

    /**
     * A client uploading to a temporary name and renaming at the end (WinSCP's {@code .filepart}) fills a batch of one
     * under the temporary name; the rename moves the file to the next batch. The first, left without files, is not
     * offered to the site and a claim of it is answered as for no such batch; the operator gets the file in the next.
     */
    @Test
    void batchLeftEmptyByItsClientsRename_isNeitherListedNorClaimable_andTheFileIsInTheNextBatch() throws Exception {
        Route route = gateway.core().sites().addRoute(TenantId.of(TestSftpGateway.TENANT), "manila", RouteMode.PULL,
                PathPolicy.parse("/inbox/renamed"), 1, 0, Duration.ofMinutes(10));
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            alice.sftp().mkdir("/inbox/renamed");
            try (OutputStream out = alice.sftp().write("/inbox/renamed/a.txt.filepart")) {
                out.write("a file".getBytes(StandardCharsets.UTF_8));
            }
            alice.sftp().rename("/inbox/renamed/a.txt.filepart", "/inbox/renamed/a.txt");
        }
        List<Batch> routed = gateway.core().batches().byTenant(TenantId.of(TestSftpGateway.TENANT)).stream()
                .filter(b -> b.routeId().equals(route.id())).toList();
        assertThat(routed).extracting(Batch::fileCount).containsExactlyInAnyOrder(0L, 1L);
        String emptied = routed.stream().filter(b -> b.fileCount() == 0).findFirst().orElseThrow().id();
        String withTheFile = routed.stream().filter(b -> b.fileCount() == 1).findFirst().orElseThrow().id();

        assertThat(gateway.core().batches().available(maria)).extracting(Batch::id).contains(withTheFile)
                .doesNotContain(emptied);
        assertThatThrownBy(() -> gateway.core().batches().claim(maria, emptied))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason())
                        .isEqualTo(GatewayException.Reason.NOT_FOUND));
        gateway.core().batches().claim(maria, withTheFile);
        try (MinaSftp operator = MinaSftp.connect(gateway.port(), "maria", mariasKey)) {
            assertThat(operator.sftp().stat("/acme/" + withTheFile + "/renamed/a.txt").getSize()).isEqualTo(6);
            assertThatThrownBy(() -> operator.sftp().stat("/acme/" + emptied)).isInstanceOf(SftpException.class);
        }
    }

    /** Uploads {@code /inbox/<folder>/a.txt} as alice, routed alone into a batch of site manila, claimed by maria. */
    private static String claimedBatch(String folder) throws Exception {
        gateway.core().sites().addRoute(TenantId.of(TestSftpGateway.TENANT), "manila", RouteMode.PULL,
                PathPolicy.parse("/inbox/" + folder), 1, 0, Duration.ofMinutes(10));
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            alice.sftp().mkdir("/inbox/" + folder);
            try (OutputStream out = alice.sftp().write("/inbox/" + folder + "/a.txt")) {
                out.write("a file".getBytes(StandardCharsets.UTF_8));
            }
        }
        List<Batch> ready = gateway.core().batches().available(maria).stream()
                .filter(b -> b.state() == io.vaultgate.core.batch.BatchState.READY).toList();
        assertThat(ready).hasSize(1);
        return gateway.core().batches().claim(maria, ready.get(0).id()).id();
    }
}
