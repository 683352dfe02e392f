package io.vaultgate.https.http;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns the raw (still percent-encoded) path of a request URI into a {@link VirtualPath}. Decoding is
 * strict (a stray {@code %} or invalid UTF-8 is refused, {@code +} stays a plus); every rule about what a
 * path may contain is then {@link PathPolicy}'s alone, so {@code %2e%2e} is judged exactly like {@code ..}.
 */
public final class RequestPaths {

    private RequestPaths() {
    }

    public static VirtualPath toVirtualPath(String rawPath) {
        return parse("/" + percentDecode(rawPath));
    }

    /**
     * {@link PathPolicy#parse} of an already decoded path (e.g. from upload metadata); a refusal because the
     * path tries to leave the namespace carries a {@link PathEscape} cause, for the defender.
     */
    public static VirtualPath parse(String path) {
        try {
            return PathPolicy.parse(path);
        } catch (GatewayException refused) {
            throw PathEscape.mark(refused, path);
        }
    }

    public static String percentDecode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c > 0xFF) {
                throw invalid("path is not valid UTF-8");
            }
            if (c != '%') {
                bytes.write(c); // the request line arrives as bytes, one char each: UTF-8 is decoded below
                continue;
            }
            if (i + 2 >= raw.length()) {
                throw invalid("incomplete percent-encoding");
            }
            int high = Character.digit(raw.charAt(i + 1), 16);
            int low = Character.digit(raw.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                throw invalid("invalid percent-encoding");
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid("path is not valid UTF-8");
        }
    }

    /**
     * The inverse of {@link #percentDecode} for a path to put in a header such as {@code Location}: UTF-8, and every
     * byte outside RFC 3986's {@code pchar} set and {@code /} percent-encoded ({@code a b.csv} is {@code a%20b.csv}).
     */
    public static String percentEncode(VirtualPath path) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : path.toString().getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0)) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return encoded.toString();
    }

    private static GatewayException invalid(String rule) {
        return new GatewayException(GatewayException.Reason.INVALID_PATH, "invalid path: " + rule);
    }
}
