package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.config.VaultgateConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vaultgate demo} listens on loopback only unless the user asks otherwise: its credentials are printed and kept
 * in the data directory, so on 0.0.0.0 anyone on the network could log in with them. The demo's loopback binds replace
 * the built-in defaults only; the configuration file, the environment and {@code --set} still choose. {@code run}
 * keeps its own defaults. The demo prints where it listens and warns about a listener other machines can reach.
 */
class DemoListenersTest {

    @TempDir
    Path home;

    @Test
    void byDefault_everyListenerOfTheDemoIsOnLoopback() {
        VaultgateConfig config = demo(Map.of());

        assertThat(List.of(config.sftp().bind(), config.https().bind(), config.ops().bind()))
                .containsOnly("127.0.0.1");
    }

    @Test
    void run_keepsItsDefaults_onTheSameDataDirectory() {
        RunCommand run = new RunCommand(Map.of());
        new CommandLine(run).parseArgs("--home", home.toString());

        VaultgateConfig config = run.global.load(Map.of());

        assertThat(config.sftp().bind()).isEqualTo("0.0.0.0");
        assertThat(config.https().bind()).isEqualTo("0.0.0.0");
    }

    @Test
    void theFileTheEnvironmentAndSet_stillChoose() throws Exception {
        Files.writeString(home.resolve("vaultgate.yaml"), "sftp:\n  bind: 0.0.0.0\n");

        VaultgateConfig fromFile = demo(Map.of());
        VaultgateConfig fromEnv = demo(Map.of("VAULTGATE_HTTPS_BIND", "::"));
        VaultgateConfig fromSet = demo(Map.of(), "--set", "sftp.bind=192.0.2.10", "--set", "ops.bind=::1");

        assertThat(fromFile.sftp().bind()).isEqualTo("0.0.0.0");
        assertThat(fromFile.https().bind()).isEqualTo("127.0.0.1");
        assertThat(fromEnv.https().bind()).isEqualTo("::");
        assertThat(fromSet.sftp().bind()).isEqualTo("192.0.2.10");
        assertThat(fromSet.ops().bind()).isEqualTo("::1");
    }

    @Test
    void theDemoPrintsItsAddresses_loopbackOnly() throws Exception {
        List<String> lines = DemoCommand.listeners(demo(Map.of()), Optional.of(2222), Optional.of(8443),
                Optional.of(9090), site());

        assertThat(lines).containsExactly("Listening on SFTP 127.0.0.1:2222, HTTPS 127.0.0.1:8443, ops 127.0.0.1:9090, "
                + "demo site 127.0.0.1:40001 (loopback only)");
    }

    @Test
    void aListenerOthersCanReach_isNamedInAWarning() throws Exception {
        VaultgateConfig config = demo(Map.of(), "--set", "sftp.bind=0.0.0.0", "--set", "https.bind=::");

        List<String> lines = DemoCommand.listeners(config, Optional.of(2222), Optional.of(8443), Optional.empty(),
                site());

        assertThat(lines.get(0)).isEqualTo("Listening on SFTP 0.0.0.0:2222, HTTPS [::]:8443, demo site 127.0.0.1:40001");
        assertThat(lines.get(1)).startsWith("WARNING: SFTP 0.0.0.0:2222, HTTPS [::]:8443 can be reached from other "
                + "machines: anyone who has the demo's credentials can log in.");
    }

    private VaultgateConfig demo(Map<String, String> env, String... args) {
        DemoCommand demo = new DemoCommand(env);
        List<String> all = new java.util.ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        new CommandLine(demo).parseArgs(all.toArray(String[]::new));
        return demo.config();
    }

    private static InetSocketAddress site() throws Exception {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40001);
    }
}
