package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.sftp.testing.ClientKeys;
import io.vaultgate.sftp.testing.OpenSshSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BPO operator over SFTP: after claiming a batch it sees {@code /<tenant>/<batch>/...}, downloads the
 * tenant's files decrypted, and writes results under {@code results/}; the tenant's client never sees the
 * operator's namespace. The front-end does nothing special: the core's file service decides per principal.
 */
class OperatorSftpIT {

    @TempDir
    Path directory;
    /** One per test (an instance field): each test creates site manila, its operator and route. */
    @RegisterExtension
    final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    @Test
    void operator_downloadsItsClaimedBatch_andUploadsResults() throws Exception {
        Path a = Files.writeString(directory.resolve("a.csv"), "id,amount\n1,10\n");
        Claimed claimed = claimBatch(a);
        String dir = claimed.dir();

        Path results = Files.writeString(directory.resolve("result.csv"), "id,status\n1,ok\n2,ok\n");
        OpenSshSftp.Result work = claimed.operator().batch("ls -l " + dir,
                "get " + dir + "/a.csv " + directory + "/a.back",
                "-mkdir " + dir + "/results", "put " + results + " " + dir + "/results/result.csv",
                "ls " + dir + "/results");
        assertThat(work.succeeded()).as(work.output()).isTrue();
        assertThat(Files.readString(directory.resolve("a.back"))).isEqualTo(Files.readString(a));
        assertThat(work.output()).contains("result.csv");

        OpenSshSftp.Result client = gateway.openSsh(TestSftpGateway.ALICE).batch("-ls " + dir, "ls /");
        assertThat(client.output()).doesNotContain("result.csv").contains("inbox");
    }

    /**
     * A policy version published after the claim: until the operator acknowledges it, the batch's listing is refused
     * like its reads (permission denied), so no file name or size reaches the operator; its acknowledgement lifts it.
     */
    @Test
    void unacknowledgedPolicyVersion_refusesTheBatchListing_untilAcknowledged() throws Exception {
        Claimed claimed = claimBatch(Files.writeString(directory.resolve("a.csv"), "id,amount\n1,10\n"));
        TenantId acme = TenantId.of(TestSftpGateway.TENANT);
        gateway.core().policies().publish(acme, "Process on site only.\n");

        OpenSshSftp.Result refused = claimed.operator().batch("-ls -l " + claimed.dir(), "-ls -l " + claimed.dir()
                + "/" + "b*");
        assertThat(refused.output()).contains("Permission denied").doesNotContain("a.csv").doesNotContain("b.csv");

        gateway.core().policies().acknowledgeFor("maria", acme, java.util.OptionalInt.empty());
        OpenSshSftp.Result listed = claimed.operator().batch("ls -l " + claimed.dir());
        assertThat(listed.succeeded()).as(listed.output()).isTrue();
        assertThat(listed.output()).contains("a.csv", "b.csv");
    }

    @Test
    void operatorDf_showsNoTenantQuotaOrUse_inItsBatchNorAtItsRoot() throws Exception {
        long quota = 50L * 1024 * 1024;
        gateway.core().administration().setQuota(TenantId.of(TestSftpGateway.TENANT), new Quota(quota, 0));
        Claimed claimed = claimBatch(Files.writeString(directory.resolve("a.csv"), "id\n1\n"));

        OpenSshSftp.Result inBatch = claimed.operator().batch("cd " + claimed.dir(), "df");
        assertThat(inBatch.succeeded()).as(inBatch.output()).isTrue();
        assertThat(dfSizeKib(inBatch.output())).as("the tenant's quota and use are not an operator's (review L2)")
                .isEqualTo(Long.MAX_VALUE / 1024);
        OpenSshSftp.Result atRoot = claimed.operator().batch("df");
        assertThat(atRoot.succeeded()).as(atRoot.output()).isTrue();
        assertThat(dfSizeKib(atRoot.output())).as("no tenant, no limit").isEqualTo(Long.MAX_VALUE / 1024);
    }

    /** A batch of {@code acme} holding {@code file} and a second file, claimed by operator maria of site manila. */
    private Claimed claimBatch(Path file) throws Exception {
        var sites = gateway.core().sites();
        sites.createSite("manila", "Manila processing");
        OperatorPrincipal maria = sites.createOperator("manila", "maria").principal(Protocol.SFTP);
        ClientKeys.Key key = ClientKeys.generate(directory, "maria", "ed25519");
        sites.addOperatorSshKey("maria", key.publicLine());
        sites.addRoute(TenantId.of(TestSftpGateway.TENANT), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"),
                2, 0, Duration.ofMinutes(10));

        Path b = Files.writeString(directory.resolve("b.csv"), "id,amount\n2,20\n");
        OpenSshSftp.Result upload = gateway.openSsh(TestSftpGateway.ALICE)
                .batch("put " + file + " /inbox/a.csv", "put " + b + " /inbox/b.csv");
        assertThat(upload.succeeded()).as(upload.output()).isTrue();

        List<Batch> ready = gateway.core().batches().available(maria);
        assertThat(ready).hasSize(1);
        Batch batch = gateway.core().batches().claim(maria, ready.get(0).id());
        OpenSshSftp operator = gateway.openSsh(TestSftpGateway.ALICE).withKey(key.privateKey())
                .against(gateway.port(), "maria");
        return new Claimed("/" + TestSftpGateway.TENANT + "/" + batch.id(), operator);
    }

    /** The Size column of OpenSSH's {@code df} (KiB). */
    private static long dfSizeKib(String output) {
        Matcher row = Pattern.compile("(?m)^\\s*(\\d+)\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+%").matcher(output);
        assertThat(row.find()).as(output).isTrue();
        return Long.parseLong(row.group(1));
    }

    private record Claimed(String dir, OpenSshSftp operator) {
    }
}
