package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.receipt.ReceiptSigner;
import io.vaultgate.core.tenant.TenantId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptCommandTest {

    @TempDir
    Path home;
    private Path receipt;
    private Path data;

    @BeforeEach
    void aClientWithItsUploadAndReceipt() throws Exception {
        AuditSigningKey key = AuditKeys.loadOrCreate(home.resolve("keys").resolve("audit-signing.key"), new SecureRandom());
        byte[] content = "id,amount\n1,100\n".getBytes();
        data = Files.write(home.resolve("payroll.csv"), content);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        String text = new ReceiptSigner(key).sign(new Receipt("f_1", TenantId.of("acme"), "/inbox/payroll.csv",
                content.length, sha256, Instant.parse("2026-11-28T10:00:00Z"))).toText();
        receipt = Files.writeString(home.resolve("payroll.receipt"), text + "\n");
    }

    @Test
    void validReceipt_isShown_withTheKeyFromTheDataDirectory() {
        AuditCliHarness.Result result = AuditCliHarness.run("receipt", "verify", receipt.toString(), "--home", home.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("VALID receipt", "tenant:       acme", "path:         /inbox/payroll.csv",
                "committed at: 2026-11-28T10:00:00Z");
    }

    @Test
    void theLocalFile_isCheckedAgainstTheReceipt() throws Exception {
        Path key = home.resolve("keys").resolve("audit-signing.pub");
        AuditCliHarness.Result same = AuditCliHarness.run("receipt", "verify", receipt.toString(), "--key", key.toString(),
                "--data", data.toString());
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.out()).contains("matches");
        Files.writeString(data, "id,amount\n1,900\n");
        AuditCliHarness.Result changed = AuditCliHarness.run("receipt", "verify", receipt.toString(), "--key",
                key.toString(), "--data", data.toString());
        assertThat(changed.exitCode()).isEqualTo(1);
        assertThat(changed.err()).contains("DIFFERENT file");
    }

    @Test
    void alteredReceipt_isInvalid_withExitCode1() throws Exception {
        String text = Files.readString(receipt).strip();
        int dot = text.lastIndexOf('.');
        char last = text.charAt(dot - 1);
        Files.writeString(receipt, text.substring(0, dot - 1) + (last == 'A' ? 'B' : 'A') + text.substring(dot));
        AuditCliHarness.Result result = AuditCliHarness.run("receipt", "verify", receipt.toString(), "--home",
                home.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("INVALID receipt");
    }

    @Test
    void receiptCheckedWithAnotherKey_isInvalid() throws Exception {
        Path other = home.resolve("other").resolve("audit-signing.key");
        AuditKeys.loadOrCreate(other, new SecureRandom());
        AuditCliHarness.Result result = AuditCliHarness.run("receipt", "verify", receipt.toString(), "--key",
                AuditKeys.publicKeyFile(other).toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("signed by another key");
    }
}
