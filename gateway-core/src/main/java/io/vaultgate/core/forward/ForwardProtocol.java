package io.vaultgate.core.forward;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The wire protocol between the gateway and a site (see {@code docs/forwarding.md}); shared by the
 * forwarder and the reference receiver so that both read the same header names and encodings.
 *
 * <pre>
 * PUT {endpoint}/files/{fileId}
 * Idempotency-Key: {fileId}
 * Repr-Digest: sha-256=:{base64 SHA-256 of the plaintext}:     (RFC 9530)
 * Vaultgate-Tenant: {tenant id}
 * Vaultgate-Account: {login name of the tenant's account that uploaded the file}
 * Vaultgate-Path: {virtual path in that account's namespace, UTF-8, percent-encoded except unreserved characters and '/'}
 * Vaultgate-Site: {id of the site the file is for}
 * Content-Length: {size}
 *
 * 2xx, with Repr-Digest: sha-256=:{base64 SHA-256 the site computed}:
 * </pre>
 *
 * <p>A sealed forward sends the stored envelope instead of the plaintext, with {@code Content-Type:
 * application/vnd.vaultgate.envelope} and {@code Vaultgate-Sealed-Key: :{base64 of the 81-byte sealed data
 * key}:}; {@code Repr-Digest} stays the plaintext's. Every forward, plain or sealed, names its site; a receiver takes a
 * plain forward without {@code Vaultgate-Site} (from a gateway before this field was sent on plain forwards), a sealed
 * one it refuses without it.
 *
 * <p>The gateway presents, to each site, a client certificate whose subject names that site
 * ({@link #forwarderCommonName}); the reference receiver, which knows its own site id, takes no other, and answers a
 * {@code Vaultgate-Site} other than its own {@code 421 Misdirected Request}.
 */
public final class ForwardProtocol {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String REPR_DIGEST = "Repr-Digest";
    public static final String TENANT = "Vaultgate-Tenant";
    public static final String ACCOUNT = "Vaultgate-Account";
    public static final String PATH = "Vaultgate-Path";
    public static final String SEALED_KEY = "Vaultgate-Sealed-Key";
    public static final String SITE = "Vaultgate-Site";
    public static final String ENVELOPE_TYPE = "application/vnd.vaultgate.envelope";

    /** File ids and idempotency keys: what a receiver may use as a file name without escaping. */
    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final Pattern MEMBER = Pattern.compile("\\s*([a-z0-9-]+)\\s*=\\s*:([A-Za-z0-9+/=]*):\\s*");

    /** The prefix of the common name of a forwarder's client certificate; the site id follows. */
    private static final String FORWARDER_NAME_PREFIX = "vaultgate-forwarder-";

    private ForwardProtocol() {
    }

    /**
     * The subject common name of the gateway's client certificate for {@code siteId}, as the forwarding CA issues it
     * ({@code forward configure --issue-client-cert}): {@code vaultgate-forwarder-SITE}. A site's receiver accepts
     * no other name, so one site's certificate cannot deliver to another site.
     */
    public static String forwarderCommonName(String siteId) {
        return FORWARDER_NAME_PREFIX + siteId;
    }

    /** {@code sha-256=:base64:} for a hex SHA-256. */
    public static String reprDigest(String sha256Hex) {
        return reprDigest(HexFormat.of().parseHex(sha256Hex));
    }

    public static String reprDigest(byte[] sha256) {
        if (sha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, got " + sha256.length);
        }
        return "sha-256=:" + Base64.getEncoder().encodeToString(sha256) + ":";
    }

    /** The hex SHA-256 of a {@code Repr-Digest} field; empty if absent or malformed. Other algorithms are ignored. */
    public static Optional<String> sha256Hex(String field) {
        if (field == null) {
            return Optional.empty();
        }
        for (String member : field.split(",")) {
            var matcher = MEMBER.matcher(member);
            if (matcher.matches() && matcher.group(1).equals("sha-256")) {
                try {
                    byte[] digest = Base64.getDecoder().decode(matcher.group(2));
                    return digest.length == 32 ? Optional.of(HexFormat.of().formatHex(digest)) : Optional.empty();
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** Percent-encodes a path's UTF-8 bytes, keeping {@code A-Z a-z 0-9 - . _ ~ /}. */
    public static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return out.toString();
    }

    /** Reverses {@link #encodePath}; rejects bad escapes and invalid UTF-8. */
    public static String decodePath(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("truncated percent escape in path");
                }
                bytes.write(HexFormat.fromHexDigits(encoded, i + 1, i + 3));
                i += 2;
            } else if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("unencoded character in path");
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("path is not valid UTF-8", e);
        }
    }
}
