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
 * Whether the gateway's client certificate may deliver a request to this receiver, checked on every request: the
 * handshake checked only that the forwarding CA issued it, and a kept-alive connection can carry requests long after
 * its handshake, and a new connection may resume an earlier TLS session, which skips the certificate checks. The
 * certificate must be this site's forwarder certificate ({@link ForwarderName}: the forwarding CA issues one to every
 * site), and every certificate the gateway presented must be unexpired, unrevoked by the CRLs as they are now (a
 * renewed CRL file is read again, {@link CrlFiles}) and every CRL before its next update (revocation known).
 */
final class ClientVerdict {

    private final ForwarderName forwarder;
    private final RevocationLists revocation;
    private final Clock clock;

    ClientVerdict(ForwarderName forwarder, RevocationLists revocation, Clock clock) {
        this.forwarder = forwarder;
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
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.of("no X.509 client certificate");
        }
        Optional<String> otherSite = forwarder.refusal(leaf);
        if (otherSite.isPresent()) {
            return otherSite;
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
