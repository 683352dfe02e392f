package io.vaultgate.core.receipt;

import io.vaultgate.core.audit.json.CanonicalJson;
import io.vaultgate.core.audit.json.JsonException;
import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A committed upload's {@link Receipt} signed by the gateway, in a compact text form a client can store:
 * <pre>
 *   vgr1.&lt;base64url(payload)&gt;.&lt;base64url(Ed25519 signature of payload)&gt;
 * </pre>
 * (base64url without padding), where the payload is the canonical JSON
 * <pre>
 * {"committed_at":"&lt;ISO-8601 UTC, ms&gt;","file":"&lt;file id&gt;","key":"&lt;key id&gt;","path":"&lt;virtual path&gt;",
 *  "sha256":"&lt;hex of the plaintext&gt;","size":&lt;bytes&gt;,"tenant":"&lt;tenant id&gt;","type":"vaultgate.receipt.v1"}
 * </pre>
 * The {@code type} separates receipt signatures from audit checkpoint signatures made with the same key.
 */
public record SignedReceipt(Receipt receipt, String keyId, byte[] payload, byte[] signature) {

    public static final String PREFIX = "vgr1.";
    public static final String TYPE = "vaultgate.receipt.v1";

    public SignedReceipt {
        Objects.requireNonNull(receipt, "receipt");
        Objects.requireNonNull(keyId, "keyId");
        payload = payload.clone();
        signature = signature.clone();
    }

    /** The canonical payload of {@code receipt} (time kept to the millisecond) naming {@code keyId}. */
    static byte[] payloadOf(Receipt receipt, String keyId) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", TYPE);
        json.put("key", keyId);
        json.put("file", receipt.fileId());
        json.put("tenant", receipt.tenant().value());
        json.put("path", receipt.path());
        json.put("size", receipt.size());
        json.put("sha256", receipt.sha256());
        json.put("committed_at", receipt.committedAt().toString());
        return CanonicalJson.bytes(json);
    }

    /** The text a client stores. */
    public String toText() {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return PREFIX + base64.encodeToString(payload) + "." + base64.encodeToString(signature);
    }

    /** Reads the text form; checks its structure only (the signature is checked by {@link ReceiptVerifier}). */
    public static SignedReceipt parse(String text) {
        String trimmed = text.strip();
        String[] parts = trimmed.startsWith(PREFIX) ? trimmed.substring(PREFIX.length()).split("\\.", -1) : new String[0];
        if (parts.length != 2) {
            throw new InvalidReceiptException("not a Vaultgate receipt: expected vgr1.<payload>.<signature>");
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(parts[0]);
            signature = Base64.getUrlDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new InvalidReceiptException("the receipt is not valid base64url", e);
        }
        try {
            Map<String, Object> json = JsonReader.parseObject(new String(payload, StandardCharsets.UTF_8));
            if (!TYPE.equals(json.get("type"))) {
                throw new InvalidReceiptException("the payload is not a " + TYPE + " receipt");
            }
            Receipt receipt = new Receipt(JsonReader.string(json, "file"), TenantId.of(JsonReader.string(json, "tenant")),
                    JsonReader.string(json, "path"), JsonReader.integer(json, "size"), JsonReader.string(json, "sha256"),
                    Instant.parse(JsonReader.string(json, "committed_at")));
            String keyId = JsonReader.string(json, "key");
            if (!Arrays.equals(payloadOf(receipt, keyId), payload) || json.size() != 8) {
                throw new InvalidReceiptException("the payload is not in canonical form");
            }
            return new SignedReceipt(receipt, keyId, payload, signature);
        } catch (JsonException | DateTimeParseException e) {
            throw new InvalidReceiptException("the receipt payload is malformed: " + e.getMessage(), e);
        } catch (InvalidReceiptException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidReceiptException("the receipt payload has an invalid field: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignedReceipt that && receipt.equals(that.receipt) && keyId.equals(that.keyId)
                && Arrays.equals(payload, that.payload) && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(receipt, keyId, Arrays.hashCode(payload), Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "SignedReceipt[" + receipt + ", key=" + keyId.substring(0, Math.min(16, keyId.length())) + "…]";
    }
}
