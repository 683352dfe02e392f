package io.vaultgate.https.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.GatewayException;
import java.util.Locale;

/**
 * Every RFC 9457 problem {@code type} the HTTPS API can answer, each with its one status. A problem response is
 * made only from one of these ({@link HttpProblem} takes a type, not a string; {@link ErrorResponses} maps each
 * core reason to one), so this enum is the complete list that docs/https.md ("Status codes and errors") and the
 * OpenAPI document's {@code Problem} schema must name; {@code ProblemTypesDocumentedTest} fails when one is
 * missing there. The slugs are stable: clients match on them, so a documented one is never renamed.
 */
public enum ProblemType {

    /** Malformed framing, header, parameter or body (the front-end's own parsing). */
    BAD_REQUEST(HttpResponseStatus.BAD_REQUEST),
    /** A path the core's path policy refuses. */
    INVALID_PATH(HttpResponseStatus.BAD_REQUEST),
    /** A request the core or a query parameter check refuses as invalid. */
    INVALID_REQUEST(HttpResponseStatus.BAD_REQUEST),
    /** An announced digest did not match the body received. */
    INTEGRITY(HttpResponseStatus.BAD_REQUEST),
    /** No credential, or a refused one. */
    UNAUTHORIZED(HttpResponseStatus.UNAUTHORIZED),
    ACCESS_DENIED(HttpResponseStatus.FORBIDDEN),
    TENANT_LOCKED(HttpResponseStatus.FORBIDDEN),
    /** An operator has not acknowledged the tenant's current data-handling policy. */
    POLICY_NOT_ACKNOWLEDGED(HttpResponseStatus.FORBIDDEN),
    /** A form upload a browser sent for a page of another site (CSRF). */
    CROSS_SITE_FORM(HttpResponseStatus.FORBIDDEN),
    NOT_FOUND(HttpResponseStatus.NOT_FOUND),
    /** No endpoint at this path. */
    NO_ROUTE(HttpResponseStatus.NOT_FOUND),
    /** {@code GET /v1/auth/banner} where no login banner is configured. */
    NO_BANNER(HttpResponseStatus.NOT_FOUND),
    /** {@code POST /v1/auth/token} where this gateway has no MFA set up. */
    MFA_NOT_CONFIGURED(HttpResponseStatus.NOT_FOUND),
    METHOD_NOT_ALLOWED(HttpResponseStatus.METHOD_NOT_ALLOWED),
    CONFLICT(HttpResponseStatus.CONFLICT),
    /** A client certificate to register that another account holds: a certificate logs in as one account. */
    CERTIFICATE_TAKEN(HttpResponseStatus.CONFLICT),
    /** A tus {@code PATCH} whose {@code Upload-Offset} is not where the upload continues. */
    OFFSET_MISMATCH(HttpResponseStatus.CONFLICT),
    LENGTH_REQUIRED(HttpResponseStatus.LENGTH_REQUIRED),
    PRECONDITION_FAILED(HttpResponseStatus.PRECONDITION_FAILED),
    /** A tus request without {@code Tus-Resumable: 1.0.0}. */
    TUS_VERSION(HttpResponseStatus.PRECONDITION_FAILED),
    PAYLOAD_TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE),
    URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG),
    UNSUPPORTED_MEDIA_TYPE(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE),
    RANGE_NOT_SATISFIABLE(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE),
    EXPECTATION_FAILED(HttpResponseStatus.EXPECTATION_FAILED),
    /** A client certificate to register that has expired: no TLS handshake accepts it, so no login could use it. */
    CERTIFICATE_EXPIRED(HttpResponseStatus.UNPROCESSABLE_ENTITY),
    HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),
    /** tus checksum extension: the PATCH body does not match its {@code Upload-Checksum}. */
    CHECKSUM_MISMATCH(new HttpResponseStatus(460, "Checksum Mismatch")),
    /** A server-side failure; the client sees no internals, the log has the cause. */
    INTERNAL(HttpResponseStatus.INTERNAL_SERVER_ERROR),
    /** A {@code Transfer-Encoding} other than {@code chunked}. */
    TRANSFER_CODING_NOT_SUPPORTED(HttpResponseStatus.NOT_IMPLEMENTED),
    UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE),
    HTTP_VERSION_NOT_SUPPORTED(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED),
    QUOTA_EXCEEDED(HttpResponseStatus.INSUFFICIENT_STORAGE),
    STORAGE_FULL(HttpResponseStatus.INSUFFICIENT_STORAGE);

    /** What every type URN starts with. */
    public static final String PREFIX = "urn:vaultgate:problem:";

    private final HttpResponseStatus status;

    ProblemType(HttpResponseStatus status) {
        this.status = status;
    }

    /** The problem type of a core failure's reason (its cause can refine it, see {@link ErrorResponses#of}). */
    public static ProblemType of(GatewayException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> NOT_FOUND;
            case ACCESS_DENIED -> ACCESS_DENIED;
            case TENANT_LOCKED -> TENANT_LOCKED;
            case INVALID_PATH -> INVALID_PATH;
            case INVALID_REQUEST -> INVALID_REQUEST;
            case INTEGRITY -> INTEGRITY;
            case QUOTA_EXCEEDED -> QUOTA_EXCEEDED;
            case STORAGE_FULL -> STORAGE_FULL;
            case CONFLICT -> CONFLICT;
            case PRECONDITION_FAILED -> PRECONDITION_FAILED;
            case UNAVAILABLE -> UNAVAILABLE;
            case INTERNAL -> INTERNAL;
        };
    }

    /** The stable slug, e.g. {@code offset-mismatch}. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The type as sent, e.g. {@code urn:vaultgate:problem:offset-mismatch}. */
    public String uri() {
        return PREFIX + slug();
    }

    /** The one status a response of this type has. */
    public HttpResponseStatus status() {
        return status;
    }
}
