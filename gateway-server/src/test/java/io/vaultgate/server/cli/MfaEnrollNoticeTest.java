package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uxreview F7: {@code mfa enroll} for a role that {@code access.mfa.required-for} does not list succeeded silently,
 * and the administrator believed MFA was on for that principal while its logins were never asked for a code. The
 * enrolment still succeeds (the policy is unchanged); the command now says plainly that no code is asked and how to
 * require one. For a role the list names it says nothing more.
 */
class MfaEnrollNoticeTest {

    @TempDir
    Path home;

    private CliHarness cli;

    @BeforeEach
    void tenantWithAnAccount() {
        cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        assertThat(cli.run("account", "add", "acme-upload", "--tenant", "acme").exitCode()).isZero();
    }

    @Test
    void anAccount_whileOnlyOperatorsAreRequired_isEnrolled_andTheCommandSaysNoCodeIsAsked() {
        Result enrolled = cli.run("mfa", "enroll", "--account", "acme-upload", "--set",
                "access.mfa.required-for=operator");

        assertThat(enrolled.exitCode()).as(enrolled.err()).isZero();
        assertThat(enrolled.out()).contains("secret: ", "uri:    otpauth://totp/")
                .contains("NOTE: acme-upload is enrolled, but is NOT asked for a code at login: "
                        + "access.mfa.required-for is operator, without client")
                .contains("add client to access.mfa.required-for");
    }

    @Test
    void withNoRoleRequired_theNoticeSaysTheListIsEmpty() {
        Result enrolled = cli.run("mfa", "enroll", "--account", "acme-upload");

        assertThat(enrolled.exitCode()).as(enrolled.err()).isZero();
        assertThat(enrolled.out()).contains("access.mfa.required-for is empty (no role is asked for a code)");
    }

    @Test
    void aRoleTheListNames_getsNoNotice() {
        Result enrolled = cli.run("mfa", "enroll", "--account", "acme-upload", "--set",
                "access.mfa.required-for=operator,client");

        assertThat(enrolled.exitCode()).as(enrolled.err()).isZero();
        assertThat(enrolled.out()).contains("secret: ").doesNotContain("NOTE");
    }
}
