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
        for (Path file : List.of(context.home().caCertificate(), context.home().forwardingCaCertificate())) {
            if (Files.exists(file)) {
                for (X509Certificate certificate : Pem.readCertificates(file)) {
                    check(findings, context.show(file), certificate, now,
                            "renew it (a new data directory's `vaultgate init` shows how it is issued)");
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
