package io.vaultgate.server.cli;

import static io.vaultgate.server.cli.AccountCredentialCommandsTest.ed25519;
import static io.vaultgate.server.cli.AccountCredentialCommandsTest.ok;
import static io.vaultgate.server.cli.AccountCredentialCommandsTest.withStdin;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uxreview F14: {@code vaultgate account show|list} and {@code operator show} tell who holds which credentials, with
 * the login's state, and never a secret: no token, password, hash, TOTP secret or key material.
 */
class CredentialReviewCommandsTest {

    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path home;
    @TempDir
    Path files;

    @Test
    void show_listsEveryKindOfCredential_withoutASecret() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "globex", "--allow-password"));
        String key = ed25519();
        Result added = ok(cli.run("account", "add", "globex-up", "--tenant", "globex", "--ssh-key", key,
                "--issue-client-cert", files.toString(), "--token"));
        ok(withStdin(PASSWORD + "\n", () -> cli.run("account", "set-password", "globex-up", "--password-stdin")));
        Result enrolled = ok(cli.run("mfa", "enroll", "--account", "globex-up"));
        String token = group("API token \\(shown once\\): (\\S+)", added.out());
        String certificate = group("issued client certificate ([0-9a-f]{64})", added.out());
        String sshKey = group("added SSH key (SHA256:\\S+)", added.out());
        String totpSecret = group("secret: (\\S+)", enrolled.out());

        Result shown = cli.run("account", "show", "globex-up");

        ok(shown);
        assertThat(shown.out()).contains("account globex-up", "role:         client", "tenant:       globex",
                "state:        active", "expires:      never", "ssh keys:     1", sshKey + "  ssh-ed25519  added ",
                "client certificates: 1", certificate + "  CN=", "password:     set", "api tokens:   1 live",
                "label \"cli\"  created ", "totp:         enrolled");
        assertThat(shown.out()).doesNotContain(token, PASSWORD, totpSecret, key.split(" ")[1])
                .doesNotContainIgnoringCase("argon2").doesNotContain("no usable credential");
    }

    @Test
    void list_showsEachAccountOfTheTenant_withItsState() {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "acme"));
        ok(cli.run("tenant", "add", "globex"));
        ok(cli.run("account", "add", "acme-new", "--tenant", "acme", "--token"));
        ok(cli.run("account", "add", "acme-old", "--tenant", "acme"));
        ok(cli.run("account", "add", "globex-up", "--tenant", "globex"));
        ok(cli.run("account", "expire", "acme-old", "--at", "2020-01-01T00:00:00Z"));

        String listed = ok(cli.run("account", "list", "--tenant", "acme")).out();

        assertThat(listed).startsWith("Tenant acme: 2 account(s)").contains("account acme-new", "account acme-old")
                .doesNotContain("globex-up");
        assertThat(listed.substring(listed.indexOf("account acme-new"), listed.indexOf("account acme-old")))
                .contains("state:        active", "api tokens:   1 live", "totp:         not enrolled");
        assertThat(listed.substring(listed.indexOf("account acme-old"))).contains("state:        expired",
                "expires:      2020-01-01T00:00:00Z", "api tokens:   0 live", "password:     not set",
                "(no usable credential: acme-old cannot log in)");

        ok(cli.run("lockdown", "acme", "--reason", "ticket 4711"));
        assertThat(ok(cli.run("account", "list", "--tenant", "acme")).out())
                .contains("state:        locked (tenant acme is locked");
        ok(cli.run("account", "revoke", "acme-new", "--all-tokens", "--reason", "leak"));
        assertThat(ok(cli.run("account", "show", "acme-new")).out()).contains("api tokens:   0 live");
    }

    @Test
    void operatorShow_tellsItsSiteState_andTotp() {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("site", "add", "manila"));
        ok(cli.run("operator", "add", "maria", "--site", "manila", "--token"));
        ok(cli.run("mfa", "enroll", "--operator", "maria"));

        assertThat(ok(cli.run("operator", "show", "maria")).out()).contains("operator maria", "role:         operator",
                "site:         manila", "state:        active", "api tokens:   1 live", "totp:         enrolled")
                .doesNotContain("password", "client certificates");

        ok(cli.run("operator", "remove", "maria", "--reason", "left the company"));
        assertThat(ok(cli.run("operator", "show", "maria")).out()).contains("state:        removed",
                "api tokens:   0 live", "totp:         not enrolled");
    }

    @Test
    void unknownNames_areCleanRefusals_exit1() {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "acme"));

        Result noAccount = cli.run("account", "show", "nobody");
        Result noTenant = cli.run("account", "list", "--tenant", "nope");
        Result noOperator = cli.run("operator", "show", "nobody");

        assertThat(noAccount.exitCode()).isEqualTo(1);
        assertThat(noAccount.err()).isEqualTo("vaultgate: no account named nobody; see `vaultgate account list "
                + "--tenant TENANT`\n");
        assertThat(noTenant.exitCode()).isEqualTo(1);
        assertThat(noTenant.err()).isEqualTo("vaultgate: tenant nope does not exist\n");
        assertThat(noOperator.exitCode()).isEqualTo(1);
        assertThat(noOperator.err()).isEqualTo("vaultgate: no operator named nobody; see `vaultgate operator list`\n");
        assertThat(cli.run("account", "list").exitCode()).as("--tenant is required").isEqualTo(2);
    }

    private static String group(String regex, String text) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return matcher.group(1);
    }
}
