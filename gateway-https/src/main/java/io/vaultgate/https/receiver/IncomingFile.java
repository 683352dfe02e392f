package io.vaultgate.https.receiver;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vaultgate.core.forward.ForwardProtocol;
import java.nio.file.Path;

/**
 * The checked headers of one forwarded file: {@code PUT .../files/{key}} with a matching
 * {@code Idempotency-Key}, a SHA-256 {@code Repr-Digest}, a tenant and a safe path.
 */
record IncomingFile(String key, String tenant, String path, Path target, String sha256) {

    static IncomingFile of(HttpRequest request, Path drop) throws ReceiverProblem {
        if (!HttpMethod.PUT.equals(request.method())) {
            throw new ReceiverProblem(HttpResponseStatus.METHOD_NOT_ALLOWED, "only PUT .../files/{id} is accepted");
        }
        String uriPath = new QueryStringDecoder(request.uri()).rawPath();
        int at = uriPath.lastIndexOf("/files/");
        String key = at < 0 ? "" : uriPath.substring(at + "/files/".length());
        if (!ForwardProtocol.KEY.matcher(key).matches()) {
            throw new ReceiverProblem(HttpResponseStatus.NOT_FOUND, "only PUT .../files/{id} is accepted");
        }
        HttpHeaders headers = request.headers();
        if (!key.equals(headers.get(ForwardProtocol.IDEMPOTENCY_KEY))) {
            throw bad(ForwardProtocol.IDEMPOTENCY_KEY + " must be present and equal the file id of the URL");
        }
        String sha256 = ForwardProtocol.sha256Hex(headers.get(ForwardProtocol.REPR_DIGEST)).orElseThrow(() ->
                bad(ForwardProtocol.REPR_DIGEST + " must carry sha-256=:<base64 of 32 bytes>:"));
        String tenant = required(headers, ForwardProtocol.TENANT);
        String path;
        try {
            path = ForwardProtocol.decodePath(required(headers, ForwardProtocol.PATH));
        } catch (IllegalArgumentException e) {
            throw bad(ForwardProtocol.PATH + ": " + e.getMessage());
        }
        return new IncomingFile(key, tenant, path, DropPaths.resolve(drop, tenant, path), sha256);
    }

    private static String required(HttpHeaders headers, String name) throws ReceiverProblem {
        String value = headers.get(name);
        if (value == null || value.isEmpty()) {
            throw bad(name + " is missing");
        }
        return value;
    }

    private static ReceiverProblem bad(String message) {
        return new ReceiverProblem(HttpResponseStatus.BAD_REQUEST, message);
    }
}
