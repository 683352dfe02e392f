package io.vaultgate.core.mfa;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords, RFC 6238 over HOTP (RFC 4226): HMAC-SHA-1 of the big-endian count of
 * {@value #STEP_SECONDS}-second steps since the epoch, dynamically truncated to {@value #DIGITS} decimal
 * digits. What every authenticator app computes from an {@code otpauth://totp/...} URI with the defaults.
 */
public final class Totp {

    public static final int DIGITS = 6;
    public static final int STEP_SECONDS = 30;

    private Totp() {
    }

    /** The time step that {@code at} falls in. */
    public static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
    }

    /** The code for {@code step}, zero-padded to {@value #DIGITS} digits. */
    public static String code(byte[] key, long step) {
        return code(key, step, "HmacSHA1", DIGITS);
    }

    /** RFC 6238 with any HMAC ({@code HmacSHA1}, {@code HmacSHA256}, {@code HmacSHA512}) and length. */
    public static String code(byte[] key, long step, String hmac, int digits) {
        try {
            Mac mac = Mac.getInstance(hmac);
            mac.init(new SecretKeySpec(key, hmac));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            Arrays.fill(hash, (byte) 0);
            int modulus = (int) Math.pow(10, digits);
            return String.format("%0" + digits + "d", binary % modulus);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmac + " is missing from this JDK", e);
        }
    }

    /**
     * The step within {@code window} steps of {@code now}'s whose code is {@code code}, compared in constant
     * time; empty when none is. Steps at or before {@code lastUsed} never match (a used code is not accepted
     * again, nor one older than it).
     */
    public static OptionalLong match(byte[] key, String code, Instant now, int window, long lastUsed) {
        if (code == null || code.length() != DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        long current = step(now);
        OptionalLong found = OptionalLong.empty();
        for (long step = current - window; step <= current + window; step++) {
            boolean equal = MessageDigest.isEqual(code(key, step).getBytes(), code.getBytes());
            if (equal && step > lastUsed && found.isEmpty()) {
                found = OptionalLong.of(step);
            }
        }
        return found;
    }
}
