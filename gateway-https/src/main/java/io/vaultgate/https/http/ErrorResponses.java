package io.vaultgate.https.http;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.CONFLICT;
import static io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN;
import static io.netty.handler.codec.http.HttpResponseStatus.INSUFFICIENT_STORAGE;
import static io.netty.handler.codec.http.HttpResponseStatus.INTERNAL_SERVER_ERROR;
import static io.netty.handler.codec.http.HttpResponseStatus.NOT_FOUND;
import static io.netty.handler.codec.http.HttpResponseStatus.PRECONDITION_FAILED;
import static io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
import static io.netty.handler.codec.http.HttpResponseStatus.SERVICE_UNAVAILABLE;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.ingest.FileTooLarge;
import io.vaultgate.core.policy.PolicyNotAcknowledged;
import java.util.Locale;

/**
 * The one mapping from failures to HTTP responses. Bodies are RFC 9457 problem details whose
 * {@code type} is a stable URN ({@code urn:vaultgate:problem:not-found}) and whose {@code detail} is
 * only ever {@link GatewayException#clientMessage()} or an {@link HttpProblem}'s message: no stack
 * traces, paths on disk or key ids leave the process.
 */
public final class ErrorResponses {

    public static final String PROBLEM_JSON = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:vaultgate:problem:";
    public static final String POLICY_NOT_ACKNOWLEDGED = "policy-not-acknowledged";
    public static final String PAYLOAD_TOO_LARGE = "payload-too-large";

    private ErrorResponses() {
    }

    public static HttpResponseStatus status(GatewayException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> NOT_FOUND;
            case ACCESS_DENIED, TENANT_LOCKED -> FORBIDDEN;
            case INVALID_PATH, INVALID_REQUEST, INTEGRITY -> BAD_REQUEST;
            case QUOTA_EXCEEDED, STORAGE_FULL -> INSUFFICIENT_STORAGE;
            case CONFLICT -> CONFLICT;
            case PRECONDITION_FAILED -> PRECONDITION_FAILED;
            case UNAVAILABLE -> SERVICE_UNAVAILABLE;
            case INTERNAL -> INTERNAL_SERVER_ERROR;
        };
    }

    /** The stable problem type slug of a core reason, e.g. {@code quota-exceeded}. */
    public static String type(GatewayException.Reason reason) {
        return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * A refusal for want of a data-handling policy acknowledgement has its own type,
     * {@code policy-not-acknowledged}, wherever it happens (claim or download), so clients can show the policy.
     * A file over its tenant's maximum size is {@code 413 payload-too-large}, like a body over the listener's
     * limit, rather than the {@code 507} of a full quota.
     */
    public static FullHttpResponse of(GatewayException failure) {
        if (failure.getCause() instanceof FileTooLarge) {
            return problem(REQUEST_ENTITY_TOO_LARGE, PAYLOAD_TOO_LARGE, failure.clientMessage(), null);
        }
        String type = failure.getCause() instanceof PolicyNotAcknowledged ? POLICY_NOT_ACKNOWLEDGED
                : type(failure.reason());
        return problem(status(failure.reason()), type, failure.clientMessage(), null);
    }

    public static FullHttpResponse of(HttpProblem problem) {
        return problem(problem.status(), problem.type(), problem.getMessage(), problem.headers());
    }

    public static FullHttpResponse internalError() {
        return problem(INTERNAL_SERVER_ERROR, "internal", "internal error", null);
    }

    private static FullHttpResponse problem(HttpResponseStatus status, String type, String detail, HttpHeaders extra) {
        byte[] body = Json.object(json -> {
            json.writeStringField("type", TYPE_PREFIX + type);
            json.writeStringField("title", status.reasonPhrase());
            json.writeNumberField("status", status.code());
            json.writeStringField("detail", detail);
        });
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        if (extra != null) {
            response.headers().add(extra);
        }
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, PROBLEM_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }
}
