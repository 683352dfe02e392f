package io.vaultgate.core.audit;

import io.vaultgate.core.audit.json.CanonicalJson;
import io.vaultgate.core.audit.json.JsonReader;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A signed statement "the audit chain's record {@code seq} has hash {@code hash}", which vouches for
 * every record up to {@code seq}. The signature is Ed25519 over the canonical JSON
 * <pre>
 * {"hash":"&lt;hex&gt;","key":"&lt;key id&gt;","seq":&lt;n&gt;,"signed_at":"&lt;ISO-8601 UTC&gt;","type":"vaultgate.audit.checkpoint.v1"}
 * </pre>
 * ({@code type} keeps a checkpoint signature from ever passing as a receipt's, which the same key signs),
 * stored as standard base64.
 */
public record Checkpoint(long seq, String hash, Instant signedAt, String keyId, String signature) {

    public static final String TYPE = "vaultgate.audit.checkpoint.v1";

    public Checkpoint {
        if (seq < 1) {
            throw new IllegalArgumentException("a checkpoint covers at least record 1");
        }
        Objects.requireNonNull(hash, "hash");
        signedAt = Objects.requireNonNull(signedAt, "signedAt").truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(signature, "signature");
    }

    /** Signs the chain head {@code (seq, hash)}. */
    public static Checkpoint sign(long seq, String hash, Instant signedAt, AuditSigningKey key) {
        Checkpoint unsigned = new Checkpoint(seq, hash, signedAt, key.keyId(), "");
        return new Checkpoint(seq, hash, unsigned.signedAt(), key.keyId(),
                Base64.getEncoder().encodeToString(key.sign(unsigned.signedBytes())));
    }

    /** The bytes the signature covers. */
    public byte[] signedBytes() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", TYPE);
        json.put("seq", seq);
        json.put("hash", hash);
        json.put("signed_at", signedAt.toString());
        json.put("key", keyId);
        return CanonicalJson.bytes(json);
    }

    /** True if {@code key} made this signature over these values. */
    public boolean verifies(AuditPublicKey key) {
        if (!key.keyId().equals(keyId)) {
            return false;
        }
        try {
            return key.verify(signedBytes(), Base64.getDecoder().decode(signature));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    /** The export form: the signed fields and the signature. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "checkpoint");
        json.put("seq", seq);
        json.put("hash", hash);
        json.put("signed_at", signedAt.toString());
        json.put("key", keyId);
        json.put("signature", signature);
        return json;
    }

    /** Reads the export form. */
    public static Checkpoint fromJson(Map<String, Object> json) {
        return new Checkpoint(JsonReader.integer(json, "seq"), JsonReader.string(json, "hash"),
                Instant.parse(JsonReader.string(json, "signed_at")), JsonReader.string(json, "key"),
                JsonReader.string(json, "signature"));
    }
}
