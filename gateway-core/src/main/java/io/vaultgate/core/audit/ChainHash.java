package io.vaultgate.core.audit;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The two hashes of the audit chain, all values lower-case hex:
 * <pre>
 *   digest = SHA-256(nonce (16 bytes) || canonical event bytes)
 *   tag    = HMAC-SHA256(tag key of the record's tenant, seq (8 bytes, big-endian))    see TenantTagKey
 *   hash   = SHA-256(prev_hash (32 bytes) || seq (8 bytes, big-endian) || tag (32 bytes) || digest (32 bytes))
 * </pre>
 * The first record's {@code prev_hash} is {@link #GENESIS} (32 zero bytes). The secret random nonce makes
 * the digest a hiding commitment: an export can show another tenant's record by its digest alone, and
 * nobody can test a guess of its content against it. The sequence number inside the hash ties every
 * record to its position; the tag lets a tenant recognise its own records among omitted ones.
 */
public final class ChainHash {

    public static final String GENESIS = "0".repeat(64);
    public static final int NONCE_BYTES = 16;

    private static final HexFormat HEX = HexFormat.of();

    private ChainHash() {
    }

    public static String digest(String nonceHex, byte[] canonicalEvent) {
        MessageDigest sha = sha256();
        sha.update(decode(nonceHex, NONCE_BYTES, "nonce"));
        sha.update(canonicalEvent);
        return HEX.formatHex(sha.digest());
    }

    public static String link(String prevHashHex, long seq, String tagHex, String digestHex) {
        MessageDigest sha = sha256();
        sha.update(decode(prevHashHex, 32, "prev_hash"));
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(seq).array());
        sha.update(decode(tagHex, 32, "tag"));
        sha.update(decode(digestHex, 32, "digest"));
        return HEX.formatHex(sha.digest());
    }

    /** True if {@code value} is {@code bytes} bytes of lower-case hex. */
    public static boolean isHex(String value, int bytes) {
        return value != null && value.length() == bytes * 2 && value.chars().allMatch(
                c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    private static byte[] decode(String hex, int bytes, String what) {
        if (!isHex(hex, bytes)) {
            throw new IllegalArgumentException(what + " must be " + bytes + " bytes of lower-case hex");
        }
        return HEX.parseHex(hex);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
