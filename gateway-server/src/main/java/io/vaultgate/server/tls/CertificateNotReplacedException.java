package io.vaultgate.server.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A replacement of the server certificate was not made because its audit record could not be appended (the catalog
 * refused or could not be reached): the certificate and key in use are as they were, and nothing of the replacement
 * is left beside them. A certificate is never served unaudited (review31 L1).
 */
public final class CertificateNotReplacedException extends RuntimeException {

    public CertificateNotReplacedException(Path certificate, RuntimeException auditFailure) {
        super("the HTTPS server certificate was not replaced: its audit record (admin.change "
                + "TLS_CERTIFICATE_CHANGED) could not be appended: " + reason(auditFailure) + "; " + certificate
                + " and its key are unchanged. Run the command again once the catalog accepts writes", auditFailure);
    }

    /** The failure's message and its causes' ("catalog transaction failed" alone does not say why). */
    private static String reason(RuntimeException e) {
        StringBuilder reason = new StringBuilder();
        for (Throwable at = e; at != null && at != at.getCause(); at = at.getCause()) {
            String message = Objects.requireNonNullElse(at.getMessage(), at.getClass().getSimpleName());
            if (reason.indexOf(message) < 0) {
                reason.append(reason.isEmpty() ? "" : ": ").append(message);
            }
        }
        return reason.toString();
    }
}
