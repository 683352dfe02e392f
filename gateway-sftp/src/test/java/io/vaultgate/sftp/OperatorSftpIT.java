package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.sftp.testing.ClientKeys;
import io.vaultgate.sftp.testing.OpenSshSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BPO operator over SFTP: after claiming a batch it sees {@code /<tenant>/<batch>/...}, downloads the
 * tenant's files decrypted, and writes results under {@code results/}; the tenant's client never sees the
 * operator's namespace. The front-end does nothing special: the core's file service decides per principal.
 */
class OperatorSftpIT {

    @TempDir
    Path directory;

    @Test
    void operator_downloadsItsClaimedBatch_andUploadsResults() throws Exception {
        try (TestSftpGateway gateway = TestSftpGateway.start(directory)) {
            var sites = gateway.core().sites();
            sites.createSite("manila", "Manila processing");
            OperatorPrincipal maria = sites.createOperator("manila", "maria").principal(Protocol.SFTP);
            ClientKeys.Key key = ClientKeys.generate(directory, "maria", "ed25519");
            sites.addOperatorSshKey("maria", key.publicLine());
            sites.addRoute(TenantId.of(TestSftpGateway.TENANT), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"),
                    2, 0, Duration.ofMinutes(10));

            Path a = Files.writeString(directory.resolve("a.csv"), "id,amount\n1,10\n");
            Path b = Files.writeString(directory.resolve("b.csv"), "id,amount\n2,20\n");
            OpenSshSftp.Result upload = gateway.openSsh(TestSftpGateway.ALICE)
                    .batch("put " + a + " /inbox/a.csv", "put " + b + " /inbox/b.csv");
            assertThat(upload.succeeded()).as(upload.output()).isTrue();

            List<Batch> ready = gateway.core().batches().available(maria);
            assertThat(ready).hasSize(1);
            Batch batch = gateway.core().batches().claim(maria, ready.get(0).id());
            String dir = "/" + TestSftpGateway.TENANT + "/" + batch.id();

            Path results = Files.writeString(directory.resolve("result.csv"), "id,status\n1,ok\n2,ok\n");
            OpenSshSftp operator = gateway.openSsh(TestSftpGateway.ALICE).withKey(key.privateKey())
                    .against(gateway.port(), "maria");
            OpenSshSftp.Result work = operator.batch("ls -l " + dir, "get " + dir + "/a.csv " + directory + "/a.back",
                    "-mkdir " + dir + "/results", "put " + results + " " + dir + "/results/result.csv",
                    "ls " + dir + "/results");
            assertThat(work.succeeded()).as(work.output()).isTrue();
            assertThat(Files.readString(directory.resolve("a.back"))).isEqualTo(Files.readString(a));
            assertThat(work.output()).contains("result.csv");

            OpenSshSftp.Result client = gateway.openSsh(TestSftpGateway.ALICE).batch("-ls " + dir, "ls /");
            assertThat(client.output()).doesNotContain("result.csv").contains("inbox");
        }
    }
}
