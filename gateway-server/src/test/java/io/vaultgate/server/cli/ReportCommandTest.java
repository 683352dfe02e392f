package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

    @TempDir
    Path home;
    @TempDir
    Path out;

    @Test
    void report_isWrittenSigned_verifiesOffline_andATamperedCopyFails() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "acme"));
        ok(cli.run("keys", "rotate", "--tenant", "acme", "--emergency"));
        String month = YearMonth.now(ZoneOffset.UTC).toString();

        Result written = ok(cli.run("report", "--tenant", "acme", "--period", month, "--out", out.toString()));

        Path json = out.resolve("report-acme-" + month + ".json");
        Path html = out.resolve("report-acme-" + month + ".html");
        assertThat(written.out()).contains(json.toString());
        assertThat(Files.readString(json)).contains("\"emergency\":true", "\"chain_intact\":true");
        Path publicKey = home.resolve("keys/audit-signing.pub");
        Result verified = ok(cli.run("report", "verify", json.toString(), "--public-key", publicKey.toString()));
        assertThat(verified.out()).contains("OK: transparency report of tenant acme for " + month);
        ok(cli.run("report", "verify", html.toString(), "--public-key", publicKey.toString()));

        Files.writeString(json, Files.readString(json).replace("\"emergency\":true", "\"emergency\":false"));
        Result tampered = cli.run("report", "verify", json.toString(), "--public-key", publicKey.toString());
        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.err()).contains("INVALID").contains("does not match its signature");
    }

    @Test
    void badPeriodOrUnknownTenant_failWithTheReason() {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        Result badPeriod = cli.run("report", "--tenant", "acme", "--period", "November", "--out", out.toString());
        assertThat(badPeriod.exitCode()).isEqualTo(1);
        assertThat(badPeriod.err()).contains("give a month as YYYY-MM");
        Result unknown = cli.run("report", "--tenant", "nobody", "--period", "2026-11", "--out", out.toString());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("tenant nobody does not exist");
    }

    private static Result ok(Result result) {
        assertThat(result.exitCode()).as(result.err()).isZero();
        return result;
    }
}
