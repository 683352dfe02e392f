package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.server.ProcessIdentity;
import io.vaultgate.server.RunFile;
import io.vaultgate.server.RunRecord;
import io.vaultgate.server.Vaultgate;
import io.vaultgate.server.cli.ServingRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vaultgate status} against a running gateway's ops listener, given by --url or found from the data directory. */
class StatusCommandTest {

    @TempDir
    Path home;

    @Test
    void status_showsTheTransfersInProgress_withProgressBars() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            assertThat(gateway.put("/inbox/done.bin", new byte[200_000])).isEqualTo(201);
            try (Upload upload = gateway.app.core().ingest().open(gateway.alice(Protocol.SFTP),
                    PathPolicy.parse("/inbox/streaming.bin"), UploadMode.CREATE);
                 FileContent download = gateway.app.core().files().open(gateway.alice(Protocol.HTTPS),
                         PathPolicy.parse("/inbox/done.bin"))) {
                upload.write(0, ByteBuffer.wrap(new byte[3 * 1024 * 1024]));
                download.read(0, ByteBuffer.allocate(100_000));

                Run run = status(gateway, "--url", "http://127.0.0.1:" + gateway.opsPort());

                assertThat(run.code()).as(run.err()).isZero();
                assertThat(run.out()).contains("ready", "uploads in flight: 1", "/inbox/streaming.bin", "3.0 MiB",
                        "<=>", "/inbox/done.bin", "[##########----------]  50%", "sftp", "https", "alice");
                upload.commit();
            }
        }
    }

    @Test
    void status_listsARecentFailure_andTheSftpConnectionsOpen() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            gateway.app.core().administration().setQuota(io.vaultgate.core.tenant.TenantId.of(RunningGateway.TENANT),
                    new io.vaultgate.core.tenant.Quota(1_000, 0));
            assertThat(gateway.put("/inbox/too-big.bin", new byte[5_000])).isGreaterThanOrEqualTo(400);

            Run run = status(gateway, "--url", "http://127.0.0.1:" + gateway.opsPort());

            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("Recent failures", "/inbox/too-big.bin", "ago", "sftp connections: 0");
            assertThat(gateway.ops("/status.json").body()).contains("\"recentFailures\":[{\"transfer\":",
                    "\"alerts\":[]", "\"forwarding\":[]")
                    .containsPattern("\"connections\":\\{(\"sftp\":0,\"https\":0|\"https\":0,\"sftp\":0)\\}");
        }
    }

    @Test
    void watch_redrawsUntilTheCount() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            Run run = status(gateway, "--url", "http://127.0.0.1:" + gateway.opsPort(), "--watch", "--interval",
                    "100ms", "--count", "3");

            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out().split("\033\\[H\033\\[2J", -1)).hasSize(4);
            assertThat(run.out()).contains("No transfer in progress.");
        }
    }

    @Test
    void aWrongToken_isRefused_withExitCode1() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            Path wrong = Files.writeString(home.resolve("wrong.token"), "not-a-token\n");

            Run run = status(gateway, "--url", "http://127.0.0.1:" + gateway.opsPort(), "--token-file",
                    wrong.toString());

            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err()).contains("refused the token (403); give a monitor's or an administrator's token "
                    + "with --token-file");
            assertThat(run.err()).doesNotContain("not-a-token");
        }
    }

    /** What Prometheus holds reads the status too: `vaultgate status` needs no administrator's credential. */
    @Test
    void aMonitorsToken_showsTheStatus() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            Path token = Files.writeString(home.resolve("monitor.token"),
                    gateway.app.core().incidents().monitors().add("prometheus", "test") + "\n");

            Run run = status(gateway, "--url", "http://127.0.0.1:" + gateway.opsPort(), "--token-file",
                    token.toString());

            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("ready", "No transfer in progress.");
        }
    }

    /**
     * A monitor's token shows the transfer's tenant, protocol and bytes, not its path nor who sends it (review L5);
     * the administrator's token of {@code vaultgate init}, the default, shows both for the same upload.
     */
    @Test
    void aMonitorsToken_showsTheTransfers_withoutTheirPathsAndLoginNames() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            Path token = Files.writeString(home.resolve("monitor.token"),
                    gateway.app.core().incidents().monitors().add("prometheus", "test") + "\n");
            try (Upload upload = gateway.app.core().ingest().open(gateway.alice(Protocol.SFTP),
                    PathPolicy.parse("/inbox/payroll-december.csv"), UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap(new byte[3 * 1024 * 1024]));

                Run monitor = status(gateway, "--url", "http://127.0.0.1:" + gateway.opsPort(), "--token-file",
                        token.toString());
                Run admin = status(gateway, "--url", "http://127.0.0.1:" + gateway.opsPort());

                assertThat(monitor.code()).as(monitor.err()).isZero();
                assertThat(monitor.out()).contains("monitor's view: file paths and login names are hidden",
                        "uploads in flight: 1", "acme", "sftp", "3.0 MiB", "(hidden)");
                assertThat(monitor.out()).doesNotContain("payroll", "/inbox", "alice");
                assertThat(admin.code()).as(admin.err()).isZero();
                assertThat(admin.out()).contains("/inbox/payroll-december.csv", "alice", "3.0 MiB")
                        .doesNotContain("monitor's view", "(hidden)");
                upload.commit();
            }
        }
    }

    @Test
    void noGatewayListening_saysSo_withExitCode1() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            int closed = ExternalTool.freePort();

            Run run = status(gateway, "--url", "http://127.0.0.1:" + closed);

            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err()).contains("cannot reach the ops listener", "ops.enabled");
        }
    }

    /**
     * {@code vaultgate run} and {@code demo} record where they listen once bound ({@link ServingRecord}), so
     * {@code status --home} with no --url finds an ops listener on a port chosen at start ({@code ops.port: 0}),
     * which the configuration cannot tell.
     */
    @Test
    void noUrl_findsTheOpsListenerOnAPortChosenAtStart_throughTheRunFile() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            assertThat(ServingRecord.write(gateway.app)).isPresent();

            Run run = status(gateway);

            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("ready", "No transfer in progress.");
        }
    }

    /**
     * A run file whose process has ended is not believed, even where a gateway listens at the address it names: it
     * may be another's. The configuration's address is tried, and the error names it and why the run file was not.
     */
    @Test
    void noUrl_aRunFileOfAProcessThatEnded_isIgnored_andTheErrorNamesBoth() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            Process ended = new ProcessBuilder("true").start();
            assertThat(ended.waitFor(10, TimeUnit.SECONDS)).isTrue();
            ProcessIdentity self = ProcessIdentity.current().orElseThrow();
            writeRunFile(gateway, new ProcessIdentity(self.bootId(), ended.pid(), self.startTicks()));
            int closed = ExternalTool.freePort();

            Run run = status(gateway, "--set", "ops.port=" + closed);

            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err()).contains("cannot reach the ops listener at http://127.0.0.1:" + closed,
                    "that is the configuration's address (ops.bind, ops.port, ops.tls), since "
                            + home.resolve("run/gateway.json") + " names pid " + ended.pid() + ", which is not running");
        }
    }

    /** A pid given to another process since is not the gateway's (here the pid is this JVM's, started later). */
    @Test
    void noUrl_aRunFileOfARecycledPid_isIgnored_andOpsPort0_saysToGiveTheUrl() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            ProcessIdentity self = ProcessIdentity.current().orElseThrow();
            writeRunFile(gateway, new ProcessIdentity(self.bootId(), self.pid(), self.startTicks() - 1));

            Run run = status(gateway, "--set", "ops.port=0");

            assertThat(run.code()).isEqualTo(1);
            assertThat(run.err()).contains("ops.port is 0 (a port chosen at start), so the configuration does not say "
                    + "where the ops listener is, and " + home.resolve("run/gateway.json") + " names pid " + self.pid()
                    + ", which is another process now", "give the listener with --url");
        }
    }

    /** A stale run file blocks nothing: the configured ops listener is reached as before. */
    @Test
    void noUrl_aStaleRunFile_fallsBackToTheConfiguredPort() throws Exception {
        int port = ExternalTool.freePort();
        try (RunningGateway gateway = new RunningGateway(home, Map.of("ops.port", String.valueOf(port)))) {
            ProcessIdentity self = ProcessIdentity.current().orElseThrow();
            RunFile.in(home).write(new RunRecord(new ProcessIdentity(self.bootId(), self.pid(), self.startTicks() + 1),
                    "gw-stale", Optional.of(URI.create("http://127.0.0.1:" + ExternalTool.freePort())),
                    Optional.empty(), Optional.empty()));

            Run run = status(gateway, "--set", "ops.port=" + port);

            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("ready");
        }
    }

    /** The run file a gateway at the address of {@code gateway} would write, but naming {@code process}. */
    private void writeRunFile(RunningGateway gateway, ProcessIdentity process) throws IOException {
        RunFile.in(home).write(new RunRecord(process, gateway.app.core().nodes().id(),
                Optional.of(URI.create("http://127.0.0.1:" + gateway.opsPort())), gateway.app.httpsPort(),
                gateway.app.sftpPort()));
    }

    private record Run(int code, String out, String err) {
    }

    private Run status(RunningGateway gateway, String... options) {
        String[] args = new String[options.length + 3];
        args[0] = "status";
        args[1] = "--home";
        args[2] = home.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vaultgate.execute(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
