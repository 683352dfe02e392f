package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.CatalogAuditLog;
import io.vaultgate.core.audit.CheckpointPolicy;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.TenantId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditCommandTest {

    @TempDir
    Path home;
    private Database database;
    private AuditSigningKey key;

    @BeforeEach
    void gatewayWithTwentyAuditedUploads() throws Exception {
        database = Database.sqlite(home.resolve("catalog.db"));
        key = AuditKeys.loadOrCreate(home.resolve("keys").resolve("audit-signing.key"), new SecureRandom());
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        for (int i = 0; i < 20; i++) {
            String tenant = i % 2 == 0 ? "acme" : "globex";
            Clock at = Clock.fixed(t0.plusSeconds(i), ZoneOffset.UTC);
            new CatalogAuditLog(database, key, new CheckpointPolicy(10, Duration.ofDays(1)), new SecureRandom(), at)
                    .append(new AuditEvent.UploadCommitted(at.instant(), Optional.of(TenantId.of(tenant)), tenant + "-user",
                            "f_" + i, "/inbox/" + i + ".csv", i, "ab".repeat(32)));
        }
    }

    private AuditCliHarness.Result run(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--home";
        all[args.length + 1] = home.toString();
        return AuditCliHarness.run(all);
    }

    @Test
    void verify_reportsAnIntactChain_withTheKeyItTrusted() {
        AuditCliHarness.Result result = run("audit", "verify");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("key: " + key.keyId()).contains("OK: 20 records, 2 checkpoints (signatures verified), last checkpoint at 11");
    }

    @Test
    void verify_namesTheFirstBadRecord_andExitsWith1() {
        database.inTransaction(jdbc -> jdbc.update("UPDATE audit_events SET actor = 'nobody' WHERE seq = 7"));
        AuditCliHarness.Result result = run("audit", "verify");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("FAILED at record 7: COLUMN_MISMATCH");
    }

    @Test
    void exportForATenant_isPrivate_signedToItsEnd_andVerifiesOfflineWithThePublicKeyAlone() throws Exception {
        Path export = home.resolve("acme.jsonl");
        AuditCliHarness.Result result = run("audit", "export", "--tenant", "acme", "--since", "2026-11-01T00:00:00Z",
                "--until", "2026-11-02T00:00:00Z", "--out", export.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).contains("signed a checkpoint at record 20", "exported 10 events (records 1..20");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(export))).isEqualTo("rw-------");
        assertThat(Files.readString(export)).doesNotContain("globex");

        Path publicKey = Files.copy(home.resolve("keys").resolve("audit-signing.pub"), home.resolve("published.pem"));
        AuditCliHarness.Result verified = AuditCliHarness.run("audit", "verify-export", export.toString(), "--key",
                publicKey.toString());
        assertThat(verified.exitCode()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("10 events shown, 10 omitted", "all covered by a valid signed checkpoint");

        Path tagKey = home.resolve("acme.tagkey");
        assertThat(run("audit", "tenant-key", "--tenant", "acme", "--out", tagKey.toString()).exitCode()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tagKey))).isEqualTo("rw-------");
        AuditCliHarness.Result complete = AuditCliHarness.run("audit", "verify-export", export.toString(), "--key",
                publicKey.toString(), "--tenant-key", tagKey.toString());
        assertThat(complete.exitCode()).as(complete.err()).isZero();
        assertThat(run("audit", "tenant-key", "--tenant", "globex", "--out", tagKey.toString()).exitCode()).isZero();
        AuditCliHarness.Result notTheirs = AuditCliHarness.run("audit", "verify-export", export.toString(), "--key",
                publicKey.toString(), "--tenant-key", tagKey.toString());
        assertThat(notTheirs.exitCode()).isEqualTo(1);
        assertThat(notTheirs.err()).contains("HIDDEN");

        Files.writeString(export, Files.readString(export).replace("\"size\":4,", "\"size\":5,"));
        AuditCliHarness.Result tampered = AuditCliHarness.run("audit", "verify-export", export.toString(), "--key",
                publicKey.toString());
        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.err()).contains("FAILED at record 5: CHANGED");
    }

    @Test
    void exportToStandardOutput_keepsMessagesOnStandardError() {
        AuditCliHarness.Result result = run("audit", "export", "--since", "2026-11-01T00:00:10Z");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out().lines()).allMatch(line -> line.startsWith("{\"")).hasSize(1 + 10 + 2);
    }

    @Test
    void publicKey_printsThePemAndItsId() {
        AuditCliHarness.Result result = run("audit", "public-key");
        assertThat(result.out()).startsWith("-----BEGIN PUBLIC KEY-----").contains("key id: " + key.keyId());
    }

    @Test
    void aDirectoryWithoutACatalog_isAConfigurationError() throws Exception {
        Path empty = Files.createDirectory(home.resolve("empty"));
        AuditCliHarness.Result result = AuditCliHarness.run("audit", "verify", "--home", empty.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("there is no catalog here", "vaultgate init");
        assertThat(empty.resolve("catalog.db")).doesNotExist();
    }

    @Test
    void badInstant_isAUsageError() {
        AuditCliHarness.Result result = run("audit", "export", "--since", "yesterday");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--since");
    }

    @ParameterizedTest
    @ValueSource(strings = {"audit", "audit verify", "audit export", "audit verify-export", "audit public-key", "audit tenant-key",
            "receipt", "receipt verify"})
    void everySubcommand_hasUsefulHelp(String command) {
        AuditCliHarness.Result result = AuditCliHarness.run((command + " --help").split(" "));
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: vaultgate " + command).hasSizeGreaterThan(120);
    }
}
