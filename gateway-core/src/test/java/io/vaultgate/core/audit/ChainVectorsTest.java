package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Known-answer vectors for the chain, computed independently with Python's hashlib and hmac (see
 * docs/audit.md), over the RFC 8032 section 7.1 test 1 key.
 */
class ChainVectorsTest {

    static final String RFC8032_KEY = "-----BEGIN PRIVATE KEY-----\n"
            + "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n";
    static final String NONCE = "000102030405060708090a0b0c0d0e0f";

    @TempDir
    Path dir;
    private AuditSigningKey key;

    @BeforeEach
    void rfc8032Key() throws IOException {
        Path file = Files.writeString(dir.resolve("audit-signing.key"), RFC8032_KEY);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        key = AuditKeys.load(file);
    }

    @Test
    void tenantTagKey_andTag() {
        TenantTagKey acme = TenantTags.derivedFrom(key).forTenant(Optional.of(TenantId.of("acme")));
        assertThat(acme.toHex()).isEqualTo("e513074866ff220cfed5814133f4b0e65a917f04085a9cd2d9e3cb6a43796cba");
        assertThat(acme.tag(1)).isEqualTo("59b1e57230f76f2d2e321e96a11eeb03cac7121861a5cba27e68b39be20cf987");
    }

    @Test
    void firstRecord_digestAndHash() {
        AuditEvent event = new AuditEvent.UploadCommitted(Instant.parse("2026-11-28T10:15:30.123Z"),
                Optional.of(TenantId.of("acme")), "alice", "f_1", "/inbox/a.csv", 42, "ab".repeat(32));
        String tag = "59b1e57230f76f2d2e321e96a11eeb03cac7121861a5cba27e68b39be20cf987";
        AuditRecord record = AuditRecord.link(1, ChainHash.GENESIS, NONCE, tag, event);
        assertThat(record.digest()).isEqualTo("ac631308126ad541b4e82ccbb5fe4eac250fd3be1ff3385634d0818a086edd22");
        assertThat(record.hash()).isEqualTo("e074cbd3cf4b49cafc137802ebc5bd26e53118a099df514cc3821e8130549402");
    }

    @Test
    void checkpoint_signedBytes_andADeterministicSignature() {
        Checkpoint checkpoint = Checkpoint.sign(1, "e074cbd3cf4b49cafc137802ebc5bd26e53118a099df514cc3821e8130549402",
                Instant.parse("2026-11-28T10:20:00Z"), key);
        assertThat(new String(checkpoint.signedBytes(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"hash\":\"e074cbd3cf4b49cafc137802ebc5bd26e53118a099df514cc3821e8130549402\","
                        + "\"key\":\"06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9\",\"seq\":1,"
                        + "\"signed_at\":\"2026-11-28T10:20:00Z\",\"type\":\"vaultgate.audit.checkpoint.v1\"}");
        assertThat(checkpoint.signature()).isEqualTo(Checkpoint.sign(checkpoint.seq(), checkpoint.hash(),
                checkpoint.signedAt(), key).signature());
        assertThat(checkpoint.verifies(key.publicKey())).isTrue();
        assertThat(HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(checkpoint.signature()))).hasSize(128);
    }
}
