package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.pki.Validity;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The cause inside the {@link GatewayException} ({@code INVALID_REQUEST}) that refuses to register a client certificate
 * that has expired: every TLS handshake refuses it, so no login could ever use it, and registering it would only look
 * like success. A front-end answers it with its own type (HTTP {@code 422 certificate-expired}). The message names the
 * certificate's {@code notAfter} and the fix. Nothing was changed. Carries no stack trace: it is a decision, not a
 * failure. A certificate that is not valid yet is registered (one issued for next week's rollover is legitimate); the
 * registration says so ({@link RegisteredCertificate#state}).
 */
public final class CertificateExpired extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private CertificateExpired(String message) {
        super(message, null, false, false);
    }

    /**
     * Refuses the certificate if it has expired at {@code now} (RFC 5280: valid up to and including its
     * {@code notAfter}).
     *
     * @param fingerprint the certificate's hex SHA-256
     */
    static void refuseIfExpired(String fingerprint, Validity validity, Instant now) {
        if (!validity.expiredAt(now)) {
            return;
        }
        String message = "client certificate " + fingerprint + " expired on "
                + validity.notAfter().truncatedTo(ChronoUnit.SECONDS) + " (its notAfter; it is now "
                + now.truncatedTo(ChronoUnit.SECONDS) + "): TLS handshakes refuse it, so no login could use it; "
                + "have its holder's certificate renewed by the client CA and register the new one instead";
        throw new GatewayException(Reason.INVALID_REQUEST, message, message, new CertificateExpired(message));
    }
}
