package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.CoreResources;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.DemoSetup;
import io.vaultgate.server.cli.CliHarness.Result;
import io.vaultgate.server.config.ConfigLoader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate run} on a data directory where {@code vaultgate demo} ran: the demo printed its client's
 * credentials and keeps them in {@code <home>/demo}, so {@code run} (on every interface by default) refuses to start
 * while they can log in, before anything listens, naming them and the ways out. Once the demo tenant is locked down or
 * its credentials are revoked, or with {@code --allow-demo}, start-up goes on. Each {@code run} here is given an SFTP
 * port another socket holds, so a start-up that goes on stops at that port (exit 2 naming {@code sftp.port}) instead
 * of serving.
 */
class RunAfterDemoTest {

    @TempDir
    Path home;

    private CliHarness cli;
    private ServerSocket busy;

    @BeforeEach
    void demoRanHere() throws Exception {
        cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        DataDirectory directory = new DataDirectory(ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("home", home.toString())));
        try (CoreResources gateway = AcmeHome.open(home)) {
            new DemoSetup().ensure(gateway.core().administration(), gateway.core().sites(), directory);
        }
        busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void free() throws Exception {
        busy.close();
    }

    @Test
    void run_refusesWhileTheDemoCredentialsLogIn_namingThemAndTheWaysOut() {
        Result run = run();

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("vaultgate: tenant demo: the demo's credentials can still log in: demo-client "
                        + "(1 SSH key, 1 API token); `vaultgate demo` printed them and keeps them in " + home.resolve("demo"))
                .contains("start from a fresh data directory (--home)")
                .contains("`vaultgate lockdown demo --reason \"demo over\"`")
                .contains("`vaultgate run --allow-demo`")
                .doesNotContain("sftp.port");
    }

    @Test
    void afterALockdownOfTheDemoTenant_runStarts_andTheDoctorNoLongerNamesIt() {
        assertThat(doctor()).contains("demo-credentials: tenant demo: the demo's credentials can still log in: "
                + "demo-client (1 SSH key, 1 API token); `vaultgate demo` printed them and keeps them in "
                + home.resolve("demo") + "; end the demo with `vaultgate lockdown demo --reason \"demo over\"`");

        assertThat(cli.run("lockdown", "demo", "--reason", "demo over").exitCode()).isZero();

        assertStartsPastTheDemoCheck(run());
        assertThat(doctor()).doesNotContain("demo-credentials");
    }

    @Test
    void aDemoStartedAgainOnItsLockedTenant_saysItsCommandsAreRefused() {
        try (CoreResources gateway = AcmeHome.open(home)) {
            assertThat(DemoCommand.lockedNotice(gateway.core().administration())).isEmpty();
        }
        assertThat(cli.run("lockdown", "demo", "--reason", "demo over").exitCode()).isZero();

        try (CoreResources gateway = AcmeHome.open(home)) {
            assertThat(DemoCommand.lockedNotice(gateway.core().administration())).contains("NOTE: tenant 'demo' is "
                    + "locked, so these commands are refused; `vaultgate unlock demo --reason TEXT` opens the demo again");
        }
    }

    private String doctor() {
        return cli.run("doctor", "--min-free", "0").out();
    }

    @Test
    void onceItsCredentialsAreRevoked_runStarts() {
        String fingerprint;
        try (CoreResources gateway = AcmeHome.open(home)) {
            fingerprint = gateway.core().administration().sshKeyFingerprints(DemoSetup.ACCOUNT).get(0);
        }
        assertThat(cli.run("account", "revoke", "demo-client", "--all-tokens", "--reason", "demo over").exitCode())
                .isZero();
        assertThat(run().err()).as("the SSH key still logs in").contains("demo-client (1 SSH key)");

        assertThat(cli.run("account", "revoke", "demo-client", "--ssh-key", fingerprint, "--reason", "demo over")
                .exitCode()).isZero();

        assertStartsPastTheDemoCheck(run());
    }

    @Test
    void allowDemo_startsAnyway() {
        assertStartsPastTheDemoCheck(run("--allow-demo"));
    }

    private static void assertStartsPastTheDemoCheck(Result run) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("sftp.port").contains("address already in use").doesNotContain("demo");
    }

    private Result run(String... more) {
        List<String> args = new ArrayList<>(List.of("run", "--set", "sftp.bind=127.0.0.1", "--set",
                "sftp.port=" + busy.getLocalPort(), "--set", "https.bind=127.0.0.1", "--set", "https.port=0",
                "--set", "ops.port=0"));
        args.addAll(List.of(more));
        return cli.run(args.toArray(String[]::new));
    }
}
