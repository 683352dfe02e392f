package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {

    @TempDir
    Path home;
    @TempDir
    Path files;
    private CliHarness cli;

    @BeforeEach
    void aTenantRoutedToASiteWithAnOperator() {
        cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "acme"));
        ok(cli.run("site", "add", "manila"));
        ok(cli.run("site", "add", "pune"));
        ok(cli.run("operator", "add", "maria", "--site", "manila"));
        ok(cli.run("operator", "add", "priya", "--site", "pune"));
        ok(cli.run("site", "route", "--tenant", "acme", "--site", "manila"));
    }

    @Test
    void publishShowAck_roundTrip() throws IOException {
        Path text = Files.writeString(files.resolve("policy.md"), "# Acme data handling\nNo copies off site.\n");

        Result published = ok(cli.run("policy", "publish", "--tenant", "acme", text.toString()));
        assertThat(published.out()).contains("policy v1 of tenant acme", "sha256 ");

        Result acked = ok(cli.run("policy", "ack", "--operator", "maria", "--tenant", "acme", "--policy-version", "1"));
        assertThat(acked.out()).contains("Operator maria acknowledged policy v1 of tenant acme");

        Result shown = ok(cli.run("policy", "show", "--tenant", "acme"));
        assertThat(shown.out()).contains("version:      1 (current)", "acknowledged: maria at ", "(recorded by " + Actor.current() + ")",
                "# Acme data handling\nNo copies off site.\n");
    }

    @Test
    void ackOfAStaleVersion_orByAnUnroutedOperator_fails() throws IOException {
        ok(cli.run("policy", "publish", "--tenant", "acme", Files.writeString(files.resolve("a"), "v1").toString()));
        ok(cli.run("policy", "publish", "--tenant", "acme", Files.writeString(files.resolve("b"), "v2").toString()));

        Result stale = cli.run("policy", "ack", "--operator", "maria", "--tenant", "acme", "--policy-version", "1");
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err()).contains("policy v1 is not the current version; read v2");

        Result unrouted = cli.run("policy", "ack", "--operator", "priya", "--tenant", "acme");
        assertThat(unrouted.exitCode()).isEqualTo(1);
        assertThat(unrouted.err()).contains("site pune has no route from tenant acme");

        assertThat(ok(cli.run("policy", "show", "--tenant", "acme", "--policy-version", "1")).out())
                .contains("version:      1\n").doesNotContain("(current)");
    }

    @Test
    void binaryOrMissingPolicy_isRefusedWithTheReason() throws IOException {
        Path binary = Files.write(files.resolve("policy.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00});
        Result bad = cli.run("policy", "publish", "--tenant", "acme", binary.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("not UTF-8 text");

        Result none = cli.run("policy", "show", "--tenant", "acme");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("has not published a data-handling policy");

        Path big = Files.writeString(files.resolve("big"), "x".repeat(300 * 1024), StandardCharsets.UTF_8);
        assertThat(cli.run("policy", "publish", "--tenant", "acme", big.toString()).err()).contains("at most 262144");

        Result missing = cli.run("policy", "publish", "--tenant", "acme", files.resolve("absent.txt").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("absent.txt: cannot read the policy file").doesNotContain("java.");
    }

    private static Result ok(Result result) {
        assertThat(result.exitCode()).as(result.err()).isZero();
        return result;
    }
}
