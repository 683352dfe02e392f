package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.CatalogIndependent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Known-answer vectors for the chain record (computed independently with Python's hashlib, see
 * docs/audit.md), and the tag-key derivation recomputed here from its documented formula over a key
 * generated for the test (no private key is stored in the repository).
 */
@CatalogIndependent
class ChainVectorsTest {

    static final String NONCE = "000102030405060708090a0b0c0d0e0f";

    private final AuditSigningKey key = AuditSigningKey.generate(new SecureRandom());

    @Test
    void tenantTagKey_andTag_followTheDocumentedDerivation() throws Exception {
        byte[] root = hmac(key.seed(), "vaultgate.audit.tag-root.v1".getBytes(StandardCharsets.US_ASCII));
        byte[] acmeKey = hmac(root, "vaultgate.audit.tenant-tag.v1\0acme".getBytes(StandardCharsets.US_ASCII));
        byte[] tagOne = hmac(acmeKey, ByteBuffer.allocate(Long.BYTES).putLong(1).array());

        TenantTagKey acme = TenantTags.derivedFrom(key).forTenant(Optional.of(TenantId.of("acme")));

        assertThat(acme.toHex()).isEqualTo(HexFormat.of().formatHex(acmeKey));
        assertThat(acme.tag(1)).isEqualTo(HexFormat.of().formatHex(tagOne));
        assertThat(TenantTags.derivedFrom(key).forTenant(Optional.of(TenantId.of("globex"))).toHex())
                .isNotEqualTo(acme.toHex());
    }

    private static byte[] hmac(byte[] key, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message);
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
                        + "\"key\":\"" + key.keyId() + "\",\"seq\":1,"
                        + "\"signed_at\":\"2026-11-28T10:20:00Z\",\"type\":\"vaultgate.audit.checkpoint.v1\"}");
        assertThat(checkpoint.signature()).isEqualTo(Checkpoint.sign(checkpoint.seq(), checkpoint.hash(),
                checkpoint.signedAt(), key).signature());
        assertThat(checkpoint.verifies(key.publicKey())).isTrue();
        assertThat(HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(checkpoint.signature()))).hasSize(128);
    }
}
