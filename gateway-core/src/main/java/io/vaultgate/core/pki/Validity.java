package io.vaultgate.core.pki;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a certificate may be used: from {@code notBefore} to {@code notAfter}, both included, as X.509 says (RFC 5280,
 * 4.1.2.5). A TLS handshake refuses a certificate outside it. Every judgement of a client certificate's expiry (the
 * registration's refusal, {@code account show}, {@code account list --certificates-expiring}, {@code doctor}, the
 * gauge {@code vaultgate_client_certificates}) reads it this way: at {@code notAfter} itself a certificate is still
 * valid, one millisecond later it has expired.
 */
public record Validity(Instant notBefore, Instant notAfter) {

    /**
     * How long before its end a client certificate is reported as expiring soon, for its replacement to be arranged:
     * by {@code vaultgate doctor}, {@code vaultgate account show} and the gauge {@code vaultgate_client_certificates}.
     */
    public static final Duration SOON = Duration.ofDays(30);

    public Validity {
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
    }

    /** The validity {@code certificate} states. */
    public static Validity of(X509Certificate certificate) {
        return new Validity(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }

    /** Whether the certificate can no longer be used at {@code now}: its last valid instant has passed. */
    public boolean expiredAt(Instant now) {
        return now.isAfter(notAfter);
    }

    /** Whether the certificate cannot be used yet at {@code now}: its first valid instant is still to come. */
    public boolean notYetValidAt(Instant now) {
        return now.isBefore(notBefore);
    }

    /** Whether a TLS handshake at {@code now} accepts it: valid, expired or not yet valid. */
    public CertificateState stateAt(Instant now) {
        return expiredAt(now) ? CertificateState.EXPIRED
                : notYetValidAt(now) ? CertificateState.NOT_YET_VALID : CertificateState.VALID;
    }

    /** Whether it expires before {@code deadline} (or has already): {@code expiredAt(deadline)}. */
    public boolean endsBefore(Instant deadline) {
        return notAfter.isBefore(deadline);
    }
}
