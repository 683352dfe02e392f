package io.vaultgate.core.audit;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A tenant's secret audit tag key. Every audit record carries a tag, {@code HMAC-SHA256(key of the
 * record's tenant, seq)}, bound into the chain hash. Given to its tenant, the key lets the tenant check that
 * no record of theirs was hidden in an export as "omitted" (its tag would match), while other tenants'
 * tags stay unlinkable noise. Never a record; never printed except on purpose by {@link #toHex()}.
 */
public final class TenantTagKey {

    private final byte[] key;

    TenantTagKey(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("a tenant tag key is 32 bytes");
        }
        this.key = key.clone();
    }

    /** Reads the hex form a gateway operator handed to the tenant. */
    public static TenantTagKey fromHex(String hex) {
        String trimmed = hex.strip();
        if (!ChainHash.isHex(trimmed, 32)) {
            throw new IllegalArgumentException("a tenant tag key is 64 lower-case hex characters");
        }
        return new TenantTagKey(HexFormat.of().parseHex(trimmed));
    }

    /** The key to hand to its tenant, over a confidential channel. */
    public String toHex() {
        return HexFormat.of().formatHex(key);
    }

    /** The tag of this tenant's record {@code seq}. */
    public String tag(long seq) {
        return HexFormat.of().formatHex(hmac(key, ByteBuffer.allocate(Long.BYTES).putLong(seq).array()));
    }

    /** True if {@code tag} is this tenant's tag for {@code seq} (constant time). */
    public boolean owns(long seq, String tag) {
        return MessageDigest.isEqual(tag(seq).getBytes(), tag.getBytes());
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TenantTagKey that && MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "TenantTagKey[redacted]";
    }
}
