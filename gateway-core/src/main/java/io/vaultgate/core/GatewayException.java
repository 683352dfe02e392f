package io.vaultgate.core;

/**
 * The one failure type the core raises towards front-ends. {@link #reason()} is a closed set that each
 * front-end maps to its protocol's status codes in exactly one place; {@link #clientMessage()} is the
 * only text that may be shown to a remote client (it never contains paths on disk, key ids or stack
 * traces). The full {@link #getMessage()} may carry more detail for logs.
 */
public final class GatewayException extends RuntimeException {

    /** Why an operation was refused or failed. */
    public enum Reason {
        NOT_FOUND, ACCESS_DENIED, INVALID_PATH, INVALID_REQUEST, QUOTA_EXCEEDED, CONFLICT, PRECONDITION_FAILED,
        TENANT_LOCKED, INTEGRITY, STORAGE_FULL, UNAVAILABLE, INTERNAL
    }

    private final Reason reason;
    private final String clientMessage;

    public GatewayException(Reason reason, String clientMessage) {
        this(reason, clientMessage, clientMessage, null);
    }

    public GatewayException(Reason reason, String clientMessage, String logDetail, Throwable cause) {
        super(logDetail, cause);
        this.reason = reason;
        this.clientMessage = clientMessage;
    }

    public Reason reason() {
        return reason;
    }

    /** A message that is safe to send to the remote client. */
    public String clientMessage() {
        return clientMessage;
    }

    public static GatewayException notFound(String what) {
        return new GatewayException(Reason.NOT_FOUND, what + ": no such file or directory");
    }

    public static GatewayException denied(String what) {
        return new GatewayException(Reason.ACCESS_DENIED, what + ": permission denied");
    }

    public static GatewayException internal(String logDetail, Throwable cause) {
        return new GatewayException(Reason.INTERNAL, "internal error", logDetail, cause);
    }
}
