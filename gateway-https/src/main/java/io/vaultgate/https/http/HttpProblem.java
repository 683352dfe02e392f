package io.vaultgate.https.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * A refusal decided by the HTTP front-end itself (a broken limit, a malformed header, a missing
 * credential), as opposed to a {@link io.vaultgate.core.GatewayException} raised by the core. The message
 * is always safe to show the client.
 */
public final class HttpProblem extends RuntimeException {

    private final HttpResponseStatus status;
    private final String type;
    private final transient HttpHeaders headers;

    public HttpProblem(HttpResponseStatus status, String type, String clientMessage) {
        this(status, type, clientMessage, new DefaultHttpHeaders());
    }

    public HttpProblem(HttpResponseStatus status, String type, String clientMessage, HttpHeaders headers) {
        super(clientMessage, null, false, false);
        this.status = Objects.requireNonNull(status, "status");
        this.type = Objects.requireNonNull(type, "type");
        this.headers = headers;
    }

    public static HttpProblem badRequest(String clientMessage) {
        return new HttpProblem(HttpResponseStatus.BAD_REQUEST, "bad-request", clientMessage);
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** The stable problem type slug, e.g. {@code payload-too-large}. */
    public String type() {
        return type;
    }

    /** Extra response headers, such as {@code Allow} or {@code Content-Range}. */
    public HttpHeaders headers() {
        return headers;
    }
}
