package io.vaultgate.https.receiver;

import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Whether the handshake's verdict on the gateway's client certificate still holds when a request arrives. A
 * kept-alive connection can carry requests long after its handshake, and a new connection may resume an
 * earlier TLS session, which skips the certificate checks; so each request is checked again: every
 * certificate the gateway presented must be unexpired, unrevoked by the CRLs as they are now (a renewed CRL file is
 * read again, {@link CrlFiles}) and every CRL before its next update (revocation known).
 */
final class ClientVerdict {

    private final RevocationLists revocation;
    private final Clock clock;

    ClientVerdict(RevocationLists revocation, Clock clock) {
        this.revocation = revocation;
        this.clock = clock;
    }

    /** Empty while the verdict holds for {@code session}; otherwise why the request is refused. */
    Optional<String> refusal(SSLSession session) {
        Instant now = clock.instant();
        List<X509CRL> crls = revocation.current();
        Instant crlsCurrentUntil = crls.stream().map(X509CRL::getNextUpdate).filter(Objects::nonNull)
                .map(Date::toInstant).min(Comparator.naturalOrder()).orElse(Instant.MAX);
        if (!now.isBefore(crlsCurrentUntil)) {
            return Optional.of("a CRL of the gateway CA is past its next update (" + crlsCurrentUntil
                    + "); revocation unknown");
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.of("no verified client certificate");
        }
        for (Certificate certificate : chain) {
            if (!(certificate instanceof X509Certificate x509)) {
                continue;
            }
            if (!now.isBefore(x509.getNotAfter().toInstant())) {
                return Optional.of("the client certificate " + x509.getSubjectX500Principal().getName()
                        + " expired at " + x509.getNotAfter().toInstant());
            }
            for (X509CRL crl : crls) {
                if (crl.getIssuerX500Principal().equals(x509.getIssuerX500Principal()) && crl.isRevoked(x509)) {
                    return Optional.of("the client certificate " + x509.getSubjectX500Principal().getName()
                            + " is revoked");
                }
            }
        }
        return Optional.empty();
    }
}
