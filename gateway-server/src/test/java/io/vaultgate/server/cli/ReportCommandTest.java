package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.receipt.ReceiptSigner;
import io.vaultgate.core.receipt.SignedReceipt;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
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
    void verify_defaultsToTheHomesPublishedAuditKey_andPublicKeyOverridesIt() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "acme"));
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        ok(cli.run("report", "--tenant", "acme", "--period", month, "--out", out.toString()));
        Path json = out.resolve("report-acme-" + month + ".json");

        Result byHomeKey = cli.run("report", "verify", json.toString());
        assertThat(byHomeKey.exitCode()).as(byHomeKey.err()).isZero();
        assertThat(byHomeKey.out()).contains("OK: transparency report of tenant acme for " + month);
        ok(cli.run("report", "verify", out.resolve("report-acme-" + month + ".html").toString()));

        Path otherKey = out.resolve("other/audit-signing.key");
        AuditKeys.loadOrCreate(otherKey, new SecureRandom());
        Result byOtherKey = cli.run("report", "verify", json.toString(), "--public-key",
                AuditKeys.publicKeyFile(otherKey).toString());
        assertThat(byOtherKey.exitCode()).isEqualTo(1);
        assertThat(byOtherKey.err()).contains("INVALID").contains("does not match its signature");
    }

    @Test
    void verify_withNoPublishedKeyInTheHome_namesThePublicKeyOption() {
        Path empty = out.resolve("no-home");

        Result result = new CliHarness(empty).run("report", "verify", out.resolve("report-acme-2026-11.json")
                .toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("audit key " + empty.resolve("keys/audit-signing.pub") + ": not found")
                .contains("--public-key");
    }

    @Test
    void aReceiptSavedAsAnHtmlReport_isRefused_thoughTheAuditKeySignedIt() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        AuditSigningKey key = AuditKeys.loadOrCreate(home.resolve("keys/audit-signing.key"), new SecureRandom());
        String markup = "/inbox/<h1>Transparency report: acme, 2026-11</h1><p>no operator access</p>.csv";
        SignedReceipt receipt = new ReceiptSigner(key).sign(new Receipt("f_1", TenantId.of("acme"), markup, 1,
                "0".repeat(64), Instant.parse("2026-11-28T10:00:00Z")));
        Path forged = Files.write(out.resolve("report-acme-2026-11.html"), receipt.payload());
        Files.write(out.resolve("report-acme-2026-11.html.sig"), receipt.signature());

        Result result = cli.run("report", "verify", forged.toString(), "--public-key",
                home.resolve("keys/audit-signing.pub").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("INVALID", "is not a transparency report");
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
