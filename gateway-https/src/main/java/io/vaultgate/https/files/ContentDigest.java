package io.vaultgate.https.files;

import io.netty.handler.codec.http.HttpHeaders;
import io.vaultgate.https.http.HttpProblem;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * RFC 9530 integrity fields ({@code Content-Digest}, {@code Repr-Digest}): a dictionary of
 * {@code algorithm=:base64:} members. Only {@code sha-256} is checked; other algorithms are ignored as
 * the RFC allows. A malformed {@code sha-256} member is refused rather than ignored.
 */
public final class ContentDigest {

    public static final List<String> FIELDS = List.of("content-digest", "repr-digest");

    private ContentDigest() {
    }

    /**
     * Every SHA-256 value announced in {@code headers} (each must match: a field value with two {@code sha-256}
     * members is checked against both, as two field lines are), or an empty list.
     */
    public static List<byte[]> sha256Values(HttpHeaders headers) {
        return FIELDS.stream()
                .flatMap(field -> headers.getAll(field).stream())
                .flatMap(value -> sha256Members(value).stream())
                .toList();
    }

    /** The field value announcing {@code hexSha256}, e.g. {@code sha-256=:base64:}. */
    public static String format(String hexSha256) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hexSha256)) + ":";
    }

    /** The first {@code sha-256} member of a field value, or null. */
    static byte[] sha256Member(String fieldValue) {
        List<byte[]> members = sha256Members(fieldValue);
        return members.isEmpty() ? null : members.get(0);
    }

    static List<byte[]> sha256Members(String fieldValue) {
        List<byte[]> found = new java.util.ArrayList<>();
        for (String member : fieldValue.split(",")) {
            int eq = member.indexOf('=');
            if (eq < 0 || !member.substring(0, eq).trim().equalsIgnoreCase("sha-256")) {
                continue;
            }
            String value = member.substring(eq + 1).trim();
            int params = value.indexOf(';');
            value = params < 0 ? value : value.substring(0, params).trim();
            if (value.length() < 2 || value.charAt(0) != ':' || value.charAt(value.length() - 1) != ':') {
                throw HttpProblem.badRequest("malformed sha-256 digest: expected sha-256=:base64:");
            }
            try {
                byte[] digest = Base64.getDecoder().decode(value.substring(1, value.length() - 1));
                if (digest.length != 32) {
                    throw HttpProblem.badRequest("malformed sha-256 digest: expected 32 bytes, got " + digest.length);
                }
                found.add(digest);
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("malformed sha-256 digest: invalid base64");
            }
        }
        return found;
    }
}
