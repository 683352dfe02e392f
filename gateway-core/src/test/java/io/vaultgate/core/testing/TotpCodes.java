package io.vaultgate.core.testing;

import io.vaultgate.core.mfa.Totp;

import java.io.ByteArrayOutputStream;

/** What an authenticator app does with the enrolled secret: base32-decode it (for tests). */
public final class TotpCodes {

    private TotpCodes() {
    }

    public static byte[] decode(String base32) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : base32.toCharArray()) {
            int value = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
            if (value < 0) {
                throw new IllegalArgumentException("not base32: " + c);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    /** The current code of a base32 secret. */
    public static String now(String base32, java.time.Instant at) {
        return Totp.code(decode(base32), Totp.step(at));
    }
}
