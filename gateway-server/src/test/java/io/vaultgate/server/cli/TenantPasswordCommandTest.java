package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.cli.CliHarness.Result;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate tenant set --allow-password | --refuse-password} and a password on a tenant that refuses them
 * (uxreview F4), against a real data directory; {@code tenant shred}'s wording from the CLI (F18).
 */
class TenantPasswordCommandTest {

    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path home;
    private CliHarness cli;

    @BeforeEach
    void setUp() {
        cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme", "--name", "Acme Corp").exitCode()).isZero();
    }

    @Test
    void passwordForAnAccountOfATenantThatRefusesPasswords_exitsOne_namingTheFix() {
        Result refused = withStdin(PASSWORD + "\n", () -> cli.run("account", "add", "acme-pw", "--tenant", "acme",
                "--password-stdin"));

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("vaultgate: tenant acme does not allow password login; enable it with "
                + "`vaultgate tenant set acme --allow-password`");
        assertThat(refused.out()).doesNotContain("password set");
        assertThat(cli.run("tenant", "show", "acme").out())
                .contains("password login:  refused (vaultgate tenant set acme --allow-password allows it)");
    }

    @Test
    void allowPassword_letsThePasswordBeSetAndLogIn_andRefusePassword_refusesTheNextLogin() {
        Result allowed = cli.run("tenant", "set", "acme", "--allow-password");
        assertThat(allowed.exitCode()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("Updated tenant acme", "password login: allowed");
        assertThat(cli.run("tenant", "show", "acme").out()).contains("password login:  allowed");
        Result added = withStdin(PASSWORD + "\n", () -> cli.run("account", "add", "acme-pw", "--tenant", "acme",
                "--password-stdin"));
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).contains("password set");
        assertThat(login()).isInstanceOf(AuthResult.Success.class);

        Result refused = cli.run("tenant", "set", "acme", "--refuse-password");
        assertThat(refused.exitCode()).as(refused.err()).isZero();
        assertThat(refused.out()).contains("password login: refused; live password sessions end on every node");
        assertThat(cli.run("tenant", "list").out()).containsPattern("acme\\s+ACTIVE\\s+refused");

        assertThat(login()).isEqualTo(new AuthResult.Failure("acme-pw", AuthFailure.METHOD_NOT_ALLOWED));
    }

    @Test
    void bothOptions_areAUsageError_exitTwo_andChangeNothing() {
        Result both = cli.run("tenant", "set", "acme", "--quota-files", "5", "--allow-password", "--refuse-password");

        // picocli refuses the two of one exclusive group before the command runs, as account revoke's (review31 L12)
        assertThat(both.exitCode()).as(both.err()).isEqualTo(2);
        assertThat(both.err()).contains("--allow-password, --refuse-password are mutually exclusive");
        assertThat(cli.run("tenant", "show", "acme").out()).contains("password login:  refused",
                "quota files:     unlimited");
    }

    @Test
    void shredFromTheCli_doesNotClaimToBeANode() {
        Result shredded = cli.run("tenant", "shred", "acme", "--reason", "contract ended", "--confirm", "acme",
                "--record", home.resolve("acme.shred").toString());

        assertThat(shredded.exitCode()).as(shredded.err()).isZero();
        assertThat(shredded.out()).contains("its live sessions end on every running gateway node within 2 s")
                .doesNotContain("on this node");
        Result switched = cli.run("tenant", "set", "acme", "--allow-password");
        assertThat(switched.exitCode()).isEqualTo(1);
        assertThat(switched.err()).contains("tenant acme was shredded");
    }

    private AuthResult login() {
        try (CoreResources gateway = AcmeHome.open(home)) {
            return gateway.core().authenticator().byPassword("acme-pw", PASSWORD.toCharArray(), Protocol.SFTP,
                    "192.0.2.1");
        }
    }

    private static Result withStdin(String input, java.util.function.Supplier<Result> command) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return command.get();
        } finally {
            System.setIn(original);
        }
    }
}
