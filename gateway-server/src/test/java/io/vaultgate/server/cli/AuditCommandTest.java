package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.AuditVerifier;
import io.vaultgate.core.audit.CatalogAuditLog;
import io.vaultgate.core.audit.Checkpoint;
import io.vaultgate.core.audit.CheckpointLine;
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
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
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
    void verify_withoutThePublicKey_fails_unlessAskedToSkipTheSignatures() throws Exception {
        Files.delete(home.resolve("keys").resolve("audit-signing.pub"));

        AuditCliHarness.Result refused = run("audit", "verify");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("audit-signing.pub", "--key", "--no-signatures");

        AuditCliHarness.Result linksOnly = run("audit", "verify", "--no-signatures");
        assertThat(linksOnly.exitCode()).as(linksOnly.err()).isZero();
        assertThat(linksOnly.out()).contains("signatures NOT checked");
    }

    @Test
    void verify_withTheAnchorThatHeadPrinted_failsOnceTheTailIsCutWithItsCheckpoints() throws Exception {
        AuditCliHarness.Result head = run("audit", "head");
        assertThat(head.exitCode()).as(head.err()).isZero();
        String anchor = head.out().lines().filter(line -> line.startsWith("anchor: ")).findFirst().orElseThrow()
                .substring("anchor: ".length());
        assertThat(anchor).startsWith("11:");
        AuditCliHarness.Result intact = run("audit", "verify", "--anchor", anchor);
        assertThat(intact.exitCode()).as(intact.err()).isZero();
        assertThat(intact.out()).contains("anchors: 1 given, all found in the chain", "anchor " + anchor);
        Path shipped = shippedLog(lookAlikes());
        Path kept = home.resolve("head.txt"); // `audit head` output appended somewhere write-once
        Files.writeString(kept, head.out());

        database.inTransaction(jdbc -> {
            String hash9 = jdbc.queryOne("SELECT hash FROM audit_events WHERE seq = 9", row -> row.getString(1)).orElseThrow();
            jdbc.update("DELETE FROM audit_events WHERE seq > 9");
            jdbc.update("DELETE FROM audit_checkpoints WHERE seq > 9");
            return jdbc.update("UPDATE audit_head SET seq = 9, hash = ? WHERE id = 1", hash9);
        });
        AuditCliHarness.Result unanchored = run("audit", "verify");
        assertThat(unanchored.exitCode()).as("consistent in itself").isZero();
        assertThat(unanchored.out()).contains("anchors: none given");

        for (String[] given : List.of(new String[] {"--anchor", anchor}, new String[] {"--anchors-from", shipped.toString()},
                new String[] {"--anchors-from", kept.toString()})) {
            AuditCliHarness.Result rolledBack = run("audit", "verify", given[0], given[1]);
            assertThat(rolledBack.exitCode()).isEqualTo(1);
            assertThat(rolledBack.err()).contains("FAILED at record 10: ROLLED_BACK", "anchor 11 lies beyond");
        }
    }

    @Test
    void verifyAnchorsFrom_skipsLookAlikeLinesAClientWroteIntoTheLog_andReportsThem() throws Exception {
        Path shipped = shippedLog(lookAlikes());

        AuditCliHarness.Result result = run("audit", "verify", "--anchors-from", shipped.toString());

        assertThat(result.exitCode()).as(result.err() + result.out()).isZero();
        assertThat(result.out()).contains("WARNING: anchors from " + shipped + ": 1 accepted, 3 lines skipped",
                "line 2: no signature", "line 3: not a checkpoint line", "line 4: its signature does not verify",
                "anchors: 1 given, all found in the chain");

        Path forgedOnly = home.resolve("forged.log");
        Files.write(forgedOnly, lookAlikes());
        AuditCliHarness.Result none = run("audit", "verify", "--anchors-from", forgedOnly.toString());
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("FAILED: no anchor in " + forgedOnly + " verifies with key " + key.keyId(),
                "3 lines skipped");
    }

    /** What {@code grep 'audit checkpoint' gateway.log} picks up besides the gateway's own lines when clients choose text. */
    private List<String> lookAlikes() {
        String fake = "cd".repeat(32);
        return List.of("audit checkpoint seq=99999999 hash=" + fake + " signed_at=2026-11-01T00:00:12Z key=" + key.keyId()
                        + " anchor=99999999:" + fake,
                "2026-11-01T00:00:11Z INFO  [sshd-1] i.v.s.a.CoreUserAuthenticator - sftp auth refused: method=publickey "
                        + "user=audit checkpoint anchor=1:x reason=UNKNOWN_USER from=192.0.2.7",
                "audit checkpoint seq=99999999 hash=" + fake + " signed_at=2026-11-01T00:00:12Z key=" + key.keyId()
                        + " anchor=99999999:" + fake + " signature=" + "A".repeat(86) + "==");
    }

    /** The newest checkpoint's line as the gateway logs it, then {@code more} lines. */
    private Path shippedLog(List<String> more) throws Exception {
        Checkpoint newest = new AuditVerifier(database, Optional.of(key.publicKey()), Clock.systemUTC())
                .newestCheckpoint().orElseThrow();
        Path shipped = home.resolve("shipped.log");
        List<String> lines = new java.util.ArrayList<>();
        lines.add("2026-11-01T00:00:10Z INFO  [main] i.v.c.a.CatalogAuditLog - " + CheckpointLine.of(newest));
        lines.addAll(more);
        Files.write(shipped, lines);
        return shipped;
    }

    @Test
    void verify_withAMaximumCheckpointAge_failsOnAnOldLog() {
        AuditCliHarness.Result stale = run("audit", "verify", "--max-checkpoint-age", "1h"); // signed in Nov 2026
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err()).contains("STALE", "the newest signed checkpoint (record 11)");
        AuditCliHarness.Result generous = run("audit", "verify", "--max-checkpoint-age", "36500d");
        assertThat(generous.exitCode()).as(generous.err()).isZero();
        assertThat(generous.out()).contains("newest checkpoint: record 11, signed at 2026-11-01T00:00:10Z");
    }

    @Test
    void verifyExport_refusesAnExportWithItsStartMovedForward_andOneWithoutASignedHeader() throws Exception {
        Path export = home.resolve("acme.jsonl");
        assertThat(run("audit", "export", "--tenant", "acme", "--since", "2026-11-01T00:00:00Z", "--until",
                "2026-11-02T00:00:00Z", "--out", export.toString()).exitCode()).isZero();
        Path publicKey = home.resolve("keys").resolve("audit-signing.pub");
        List<String> lines = Files.readAllLines(export);
        Files.writeString(export, lines.get(0).replace("\"first_seq\":1,", "\"first_seq\":11,") + "\n" + lines.stream()
                .skip(1).filter(line -> !line.matches(".*\"seq\":([1-9]|10),.*")).collect(Collectors.joining("\n")) + "\n");
        AuditCliHarness.Result moved = AuditCliHarness.run("audit", "verify-export", export.toString(), "--key",
                publicKey.toString());
        assertThat(moved.exitCode()).isEqualTo(1);
        assertThat(moved.err()).contains("SPAN", "signature does not verify");

        Files.writeString(export, String.join("\n", lines).replaceFirst("\"signature\":\"[^\"]*\"", "\"signature\":null"));
        AuditCliHarness.Result unsigned = AuditCliHarness.run("audit", "verify-export", export.toString(), "--key",
                publicKey.toString());
        assertThat(unsigned.exitCode()).isEqualTo(1);
        assertThat(unsigned.err()).contains("the header is not signed");
        AuditCliHarness.Result accepted = AuditCliHarness.run("audit", "verify-export", export.toString(), "--key",
                publicKey.toString(), "--allow-unsigned-header");
        assertThat(accepted.exitCode()).as(accepted.err()).isZero();
        assertThat(accepted.out()).contains("WARNING: the header is not signed");
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
    @ValueSource(strings = {"audit", "audit verify", "audit head", "audit export", "audit verify-export", "audit public-key", "audit tenant-key",
            "receipt", "receipt verify"})
    void everySubcommand_hasUsefulHelp(String command) {
        AuditCliHarness.Result result = AuditCliHarness.run((command + " --help").split(" "));
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: vaultgate " + command).hasSizeGreaterThan(120);
    }
}
