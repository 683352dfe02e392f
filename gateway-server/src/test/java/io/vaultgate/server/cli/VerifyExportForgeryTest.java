package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.CatalogAuditLog;
import io.vaultgate.core.audit.ChainHash;
import io.vaultgate.core.audit.CheckpointPolicy;
import io.vaultgate.core.audit.json.CanonicalJson;
import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit verify-export} exits 1 for an export whose checkpoint lines were removed and whose records were then
 * rewritten and re-hashed (the review's forgery, which it accepted with exit code 0 and a warning).
 */
class VerifyExportForgeryTest {

    @TempDir
    Path home;

    @BeforeEach
    void gatewayWithTwentyAuditedUploads() throws Exception {
        Database database = Database.sqlite(home.resolve("catalog.db"));
        AuditSigningKey key = AuditKeys.loadOrCreate(home.resolve("keys").resolve("audit-signing.key"),
                new SecureRandom());
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        for (int i = 0; i < 20; i++) {
            String tenant = i % 2 == 0 ? "acme" : "globex";
            Clock at = Clock.fixed(t0.plusSeconds(i), ZoneOffset.UTC);
            new CatalogAuditLog(database, key, new CheckpointPolicy(10, Duration.ofDays(1)), new SecureRandom(), at)
                    .append(new AuditEvent.UploadCommitted(at.instant(), Optional.of(TenantId.of(tenant)),
                            tenant + "-user", "f_" + i, "/inbox/" + i + ".csv", i, "ab".repeat(32)));
        }
    }

    @Test
    void everyCheckpointRemoved_andARecordRewrittenAndRehashed_exitsWith1() throws Exception {
        Path export = home.resolve("acme.jsonl");
        AuditCliHarness.Result written = AuditCliHarness.run("audit", "export", "--tenant", "acme", "--since",
                "2026-11-01T00:00:00Z", "--until", "2026-11-02T00:00:00Z", "--out", export.toString(), "--home",
                home.toString());
        assertThat(written.exitCode()).as(written.err()).isZero();
        String publicKey = home.resolve("keys").resolve("audit-signing.pub").toString();
        assertThat(AuditCliHarness.run("audit", "verify-export", export.toString(), "--key", publicKey).exitCode())
                .as("the export as written").isZero();

        Files.writeString(export, forged(Files.readAllLines(export, StandardCharsets.UTF_8)));
        assertThat(Files.readString(export)).contains("/inbox/forged.csv").doesNotContain("\"type\":\"checkpoint\"");
        AuditCliHarness.Result forged = AuditCliHarness.run("audit", "verify-export", export.toString(), "--key",
                publicKey);

        assertThat(forged.exitCode()).as(forged.out() + forged.err()).isEqualTo(1);
        assertThat(forged.err()).contains("FAILED at record 1: REWRITTEN", "last_hash");
    }

    /** The export without its checkpoint lines, record 3's path changed, and every record re-hashed from the start. */
    @SuppressWarnings("unchecked")
    private static String forged(List<String> lines) {
        List<String> out = new ArrayList<>(List.of(lines.get(0)));
        String prev = ChainHash.GENESIS;
        for (String line : lines.subList(1, lines.size())) {
            Map<String, Object> json = new LinkedHashMap<>(JsonReader.parseObject(line));
            if (json.get("type").equals("checkpoint")) {
                continue;
            }
            long seq = (Long) json.get("seq");
            String digest = (String) json.get("digest");
            if (json.get("event") instanceof Map<?, ?> shown) {
                Map<String, Object> event = new LinkedHashMap<>((Map<String, Object>) shown);
                if (seq == 3) {
                    event.put("path", "/inbox/forged.csv");
                }
                json.put("event", event);
                digest = ChainHash.digest((String) json.get("nonce"), CanonicalJson.bytes(event));
            }
            json.put("prev_hash", prev);
            prev = ChainHash.link(prev, seq, (String) json.get("tag"), digest);
            json.put("hash", prev);
            out.add(CanonicalJson.text(json));
        }
        return String.join("\n", out) + "\n";
    }
}
