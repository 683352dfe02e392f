package io.vaultgate.https.files;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.files.PageRequest;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.ProblemType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The page a directory {@code GET} asks for: {@code ?limit=} (1 to {@value PageRequest#MAX_LIMIT}, default
 * {@value PageRequest#MAX_LIMIT}) and {@code ?after=}, the opaque cursor of a previous page's {@code next}. The cursor
 * is the page's last name as unpadded base64url of its UTF-8 bytes, so it needs no escaping in a URL; clients only
 * copy it. A bad value is a {@code 400} problem naming the parameter.
 */
final class ListingQuery {

    private ListingQuery() {
    }

    static PageRequest parse(String uri) {
        Map<String, List<String>> parameters = new QueryStringDecoder(uri).parameters();
        int limit = PageRequest.MAX_LIMIT;
        String limitValue = single(parameters, "limit");
        if (limitValue != null) {
            try {
                limit = Integer.parseInt(limitValue);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
                throw refused("limit must be a whole number from 1 to " + PageRequest.MAX_LIMIT);
            }
        }
        String after = single(parameters, "after");
        try {
            return new PageRequest(after == null ? "" : name(after), limit);
        } catch (GatewayException e) {
            throw refused("after is not a cursor this gateway gave out");
        }
    }

    /** The cursor a client sends back for the page after {@code name}. */
    static String cursor(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String name(String cursor) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(cursor);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw refused("after is not a cursor this gateway gave out");
        }
    }

    private static String single(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() != 1) {
            throw refused(name + " may be given once");
        }
        return values.get(0);
    }

    private static HttpProblem refused(String message) {
        return new HttpProblem(ProblemType.INVALID_REQUEST, message);
    }
}
