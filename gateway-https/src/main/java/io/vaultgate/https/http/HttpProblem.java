package io.vaultgate.https.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * A refusal decided by the HTTP front-end itself (a broken limit, a malformed header, a missing
 * credential), as opposed to a {@link io.vaultgate.core.GatewayException} raised by the core. The message
 * is always safe to show the client; the status is the {@link ProblemType}'s own.
 */
public final class HttpProblem extends RuntimeException {

    private final ProblemType type;
    private final transient HttpHeaders headers;

    public HttpProblem(ProblemType type, String clientMessage) {
        this(type, clientMessage, new DefaultHttpHeaders());
    }

    public HttpProblem(ProblemType type, String clientMessage, HttpHeaders headers) {
        super(clientMessage, null, false, false);
        this.type = Objects.requireNonNull(type, "type");
        this.headers = headers;
    }

    public static HttpProblem badRequest(String clientMessage) {
        return new HttpProblem(ProblemType.BAD_REQUEST, clientMessage);
    }

    public HttpResponseStatus status() {
        return type.status();
    }

    /** The stable problem type, e.g. {@link ProblemType#PAYLOAD_TOO_LARGE}. */
    public ProblemType type() {
        return type;
    }

    /** Extra response headers, such as {@code Allow} or {@code Content-Range}. */
    public HttpHeaders headers() {
        return headers;
    }
}
