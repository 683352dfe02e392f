package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.pki.CertificateState;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.Validity;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * A client certificate an account now holds: its fingerprint (hex SHA-256 of the DER encoding), its validity, and its
 * state when it was registered: {@link CertificateState#VALID}, or {@link CertificateState#NOT_YET_VALID} for one
 * issued ahead of a rollover, which logs in from its {@code notBefore} on (an expired one is refused, {@link
 * CertificateExpired}).
 */
public record RegisteredCertificate(String fingerprint, Validity validity, CertificateState state) {

    public RegisteredCertificate {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(validity, "validity");
        Objects.requireNonNull(state, "state");
    }

    /**
     * {@code certificate} as it is registered at {@code now}: the one check every registration makes first (CLI and
     * admin API alike), before the catalog is read.
     *
     * @throws GatewayException {@code INVALID_REQUEST} caused by {@link CertificateExpired} if it has expired
     */
    static RegisteredCertificate unlessExpired(X509Certificate certificate, Instant now) {
        String fingerprint = Fingerprints.sha256(certificate);
        Validity validity = Validity.of(certificate);
        CertificateExpired.refuseIfExpired(fingerprint, validity, now);
        return new RegisteredCertificate(fingerprint, validity, validity.stateAt(now));
    }
}
