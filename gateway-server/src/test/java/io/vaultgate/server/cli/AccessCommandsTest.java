package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The incident-response commands against a real data directory: defender, lockdown/unlock, mfa, account. */
class AccessCommandsTest {

    @TempDir
    Path home;

    @Test
    void banListUnban_roundTrip() {
        CliHarness cli = initialized();
        assertThat(cli.run("defender", "ban", "198.51.100.7", "--reason", "credential stuffing").out())
                .contains("Banned 198.51.100.7 until", "(level 1)");
        assertThat(cli.run("defender", "list").out()).contains("198.51.100.7", "credential stuffing");
        assertThat(cli.run("defender", "unban", "198.51.100.7").exitCode()).isZero();
        assertThat(cli.run("defender", "list").out()).doesNotContain("198.51.100.7");
        assertThat(cli.run("defender", "unban", "198.51.100.7").exitCode()).as("not banned any more").isEqualTo(1);
        assertThat(cli.run("defender", "ban", "not-an-ip", "--reason", "x").err()).contains("not an IP address");
    }

    @Test
    void lockdownAndUnlock_showWhoAndWhy() {
        CliHarness cli = initialized();
        assertThat(cli.run("lockdown", "acme").exitCode()).as("a reason is required").isEqualTo(2);

        Result locked = cli.run("lockdown", "acme", "--reason", "ticket 4711");

        assertThat(locked.exitCode()).as(locked.err()).isZero();
        Result shown = cli.run("tenant", "show", "acme");
        assertThat(shown.out()).contains("status:          LOCKED", "ticket 4711", "by cli:");
        assertThat(cli.run("unlock", "acme", "--reason", "resolved").exitCode()).isZero();
        assertThat(cli.run("tenant", "show", "acme").out()).contains("status:          ACTIVE")
                .doesNotContain("ticket 4711");
        assertThat(cli.run("unlock", "acme").exitCode()).as("not locked").isEqualTo(1);
        assertThat(cli.run("lockdown", "nobody", "--reason", "x").err()).contains("tenant nobody does not exist");
    }

    @Test
    void mfaEnroll_printsTheSecretAndUriOnce_forAnOperator() {
        CliHarness cli = initialized();
        assertThat(cli.run("site", "add", "manila", "--name", "Manila").exitCode()).isZero();
        assertThat(cli.run("operator", "add", "maria", "--site", "manila").exitCode()).isZero();

        Result enrolled = cli.run("mfa", "enroll", "--operator", "maria");

        assertThat(enrolled.exitCode()).as(enrolled.err()).isZero();
        assertThat(enrolled.out()).contains("secret: ", "uri:    otpauth://totp/Vaultgate%3Amaria?secret=");
        assertThat(cli.run("mfa", "enroll", "--operator", "nobody").err()).contains("no operator named nobody");
        assertThat(cli.run("mfa", "remove", "--operator", "maria").exitCode()).isZero();
    }

    @Test
    void accountExpireAndRevoke() {
        CliHarness cli = initialized();
        assertThat(cli.run("account", "add", "acme-up", "--tenant", "acme").exitCode()).isZero();
        assertThat(cli.run("account", "expire", "acme-up", "--at", "2026-12-31T23:59:59Z").out())
                .contains("expires 2026-12-31T23:59:59Z");
        assertThat(cli.run("account", "expire", "acme-up", "--at", "tomorrow").err()).contains("not an ISO-8601");
        assertThat(cli.run("account", "revoke", "acme-up", "--all-tokens", "--reason", "leak").exitCode()).isZero();
        assertThat(cli.run("account", "revoke", "acme-up", "--ssh-key", "SHA256:nope", "--reason", "x").err())
                .contains("has no SSH key");
        assertThat(cli.run("tenant", "set", "acme", "--deny-sources", "10.6.6.0/24").exitCode()).isZero();
        assertThat(cli.run("tenant", "show", "acme").out()).contains("denied sources:  [10.6.6.0/24]");
    }

    private CliHarness initialized() {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        return cli;
    }
}
