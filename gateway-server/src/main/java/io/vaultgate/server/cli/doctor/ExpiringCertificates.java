package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.forward.ForwardingSites;
import io.vaultgate.core.forward.SiteForwarding;
import io.vaultgate.core.pki.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates that expire within 30 days (or have): the HTTPS server certificate, the private CA and the
 * forwarding CA, and every site's pinned trust anchors and the gateway's client certificate for it.
 */
final class ExpiringCertificates implements Check {

    static final String NAME = "certificate-expiry";
    static final Duration WARNING = Duration.ofDays(30);
    /** The HTTPS server certificate (or a CA certificate sent in its chain): the commands that replace it. */
    static final String SERVER_FIX = "renew it: `vaultgate tls issue` (a new one from the private CA, same names), or "
            + "`vaultgate tls import --cert FILE --key FILE` for one from your CA; a running gateway serves it within "
            + "seconds (docs/operations.md, \"Replacing and renewing the HTTPS certificate\")";

    /**
     * The private CA: no command renews it in place (a new CA means new trust on every client), so the fix moves the
     * certificates it signs to another CA before it expires.
     */
    static final String PRIVATE_CA_FIX = "no command renews the private CA; before it expires, install a server "
            + "certificate of another CA with `vaultgate tls import --cert FILE --key FILE` (clients then trust that "
            + "CA instead of tls/ca.crt) and give the accounts whose client certificates it signed new ones with "
            + "`vaultgate account add-cert`; `vaultgate tls issue` issues certificates only up to its expiry";
    /** The forwarding CA: the sites' receivers trust it, so the fix is a client certificate of another CA. */
    static final String FORWARDING_CA_FIX = "no command renews the forwarding CA; before it expires, give each site a "
            + "client certificate of another CA with `vaultgate forward configure SITE --client-cert FILE --client-key "
            + "FILE`, and the site that CA for its receiver's --client-ca";

    @Override
    public List<Finding> run(DoctorContext context) throws Exception {
        Instant now = context.clock().instant();
        List<Finding> findings = new ArrayList<>();
        Path server = context.home().serverCertificate();
        if (Files.exists(server)) {
            for (X509Certificate certificate : Pem.readCertificates(server)) {
                check(findings, context.show(server), certificate, now, SERVER_FIX);
            }
        }
        for (CaFile ca : List.of(new CaFile(context.home().caCertificate(), PRIVATE_CA_FIX),
                new CaFile(context.home().forwardingCaCertificate(), FORWARDING_CA_FIX))) {
            if (Files.exists(ca.file())) {
                for (X509Certificate certificate : Pem.readCertificates(ca.file())) {
                    check(findings, context.show(ca.file()), certificate, now, ca.fix());
                }
            }
        }
        for (SiteForwarding site : context.database().read(new ForwardingSites()::all)) {
            for (X509Certificate anchor : site.trustAnchors()) {
                check(findings, "site " + site.siteId() + " trust anchor", anchor, now,
                        "ask the site for its new CA certificate and update it with `vaultgate site tls`");
            }
            for (X509Certificate client : site.clientChain()) {
                check(findings, "site " + site.siteId() + " client certificate", client, now,
                        "issue a new client certificate for the site");
            }
        }
        return findings;
    }

    /** A CA certificate of the data directory and what to do before it expires. */
    private record CaFile(Path file, String fix) {
    }

    private static void check(List<Finding> findings, String subject, X509Certificate certificate, Instant now,
                              String fix) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isBefore(now.plus(WARNING))) {
            String subjectName = certificate.getSubjectX500Principal().getName();
            findings.add(new Finding(NAME, subject + " (" + subjectName + ")", notAfter.isBefore(now)
                    ? "expired on " + notAfter : "expires on " + notAfter + ", within " + WARNING.toDays() + " days", fix));
        }
    }
}
