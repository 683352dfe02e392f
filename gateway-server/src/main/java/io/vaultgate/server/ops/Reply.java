package io.vaultgate.server.ops;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer of the ops listener: status, content type, body and the headers of its own (a redirect's
 * {@code Location}, a refusal's {@code WWW-Authenticate}); {@link OpsHandler} adds the ones every answer carries.
 *
 * @param close the connection is closed once the answer is written
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers, boolean close) {

    static final String JSON = "application/json; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";

    Reply {
        headers = Map.copyOf(headers);
    }

    static Reply of(int status, String contentType, byte[] body) {
        return new Reply(status, contentType, body, Map.of(), false);
    }

    /** A JSON answer, ended by a newline so that the shell prompt after {@code curl} starts on a line of its own. */
    static Reply json(int status, byte[] body) {
        if (body.length > 0 && body[body.length - 1] == '\n') {
            return of(status, JSON, body);
        }
        byte[] line = java.util.Arrays.copyOf(body, body.length + 1);
        line[body.length] = '\n';
        return of(status, JSON, line);
    }

    static Reply text(int status, String body) {
        return of(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
    }

    Reply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, contentType, body, more, close);
    }

    /** The same answer, after which the connection is closed. */
    Reply closing() {
        return new Reply(status, contentType, body, headers, true);
    }
}
