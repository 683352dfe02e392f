package io.vaultgate.https.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.admin.CertificateExpired;
import io.vaultgate.core.admin.CertificateTaken;
import io.vaultgate.core.ingest.FileTooLarge;
import io.vaultgate.core.policy.PolicyNotAcknowledged;

/**
 * The one mapping from failures to HTTP responses. Bodies are RFC 9457 problem details whose
 * {@code type} is a stable URN from {@link ProblemType} ({@code urn:vaultgate:problem:not-found}) and whose
 * {@code detail} is only ever {@link GatewayException#clientMessage()} or an {@link HttpProblem}'s message: no
 * stack traces, paths on disk or key ids leave the process.
 */
public final class ErrorResponses {

    public static final String PROBLEM_JSON = "application/problem+json";

    private ErrorResponses() {
    }

    public static HttpResponseStatus status(GatewayException.Reason reason) {
        return ProblemType.of(reason).status();
    }

    /**
     * A refusal for want of a data-handling policy acknowledgement has its own type,
     * {@code policy-not-acknowledged}, wherever it happens (claim or download), so clients can show the policy.
     * A file over its tenant's maximum size is {@code 413 payload-too-large}, like a body over the listener's
     * limit, rather than the {@code 507} of a full quota. A client certificate another account holds is
     * {@code 409 certificate-taken}, not the {@code conflict} of a taken name; one that has expired is {@code 422
     * certificate-expired}, not the {@code invalid-request} of a malformed one.
     */
    public static FullHttpResponse of(GatewayException failure) {
        ProblemType type;
        if (failure.getCause() instanceof FileTooLarge) {
            type = ProblemType.PAYLOAD_TOO_LARGE;
        } else if (failure.getCause() instanceof PolicyNotAcknowledged) {
            type = ProblemType.POLICY_NOT_ACKNOWLEDGED;
        } else if (failure.getCause() instanceof CertificateTaken) {
            type = ProblemType.CERTIFICATE_TAKEN;
        } else if (failure.getCause() instanceof CertificateExpired) {
            type = ProblemType.CERTIFICATE_EXPIRED;
        } else {
            type = ProblemType.of(failure.reason());
        }
        return problem(type, failure.clientMessage(), null);
    }

    public static FullHttpResponse of(HttpProblem problem) {
        return problem(problem.type(), problem.getMessage(), problem.headers());
    }

    public static FullHttpResponse internalError() {
        return problem(ProblemType.INTERNAL, "internal error", null);
    }

    private static FullHttpResponse problem(ProblemType type, String detail, HttpHeaders extra) {
        HttpResponseStatus status = type.status();
        byte[] body = Json.responseBody(Json.object(json -> {
            json.writeStringField("type", type.uri());
            json.writeStringField("title", status.reasonPhrase());
            json.writeNumberField("status", status.code());
            json.writeStringField("detail", detail);
        }));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        if (extra != null) {
            response.headers().add(extra);
        }
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, PROBLEM_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }
}
