package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.forward.ForwardingSites;
import io.vaultgate.core.forward.SiteForwarding;
import io.vaultgate.core.pki.Pem;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A site whose forwarder certificate the gateway CA ({@code tls/ca.crt}) issued, as versions before the forwarding
 * CA did: that site's receiver trusts the CA that also issues the tenants' account certificates, so it takes any
 * tenant's client for the gateway.
 */
final class ForwarderIssuers implements Check {

    static final String NAME = "forwarder-issuer";

    @Override
    public List<Finding> run(DoctorContext context) throws Exception {
        if (!Files.exists(context.home().caCertificate())) {
            return List.of();
        }
        X509Certificate gatewayCa = Pem.readCertificates(context.home().caCertificate()).get(0);
        List<Finding> findings = new ArrayList<>();
        for (SiteForwarding site : context.database().read(new ForwardingSites()::all)) {
            if (!site.clientChain().isEmpty() && issuedBy(site.clientChain().get(0), gatewayCa)) {
                findings.add(new Finding(NAME, "site " + site.siteId(), "its forwarder certificate was issued by "
                        + "the gateway CA tls/ca.crt, which also issues account certificates: a receiver trusting that "
                        + "CA takes any tenant's client for the gateway", "run `vaultgate forward configure "
                        + site.siteId() + " ... --issue-client-cert` and give the site tls/forwarding-ca.crt for its "
                        + "--client-ca"));
            }
        }
        return findings;
    }

    private static boolean issuedBy(X509Certificate certificate, X509Certificate ca) {
        if (!certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException otherKey) {
            return false;
        }
    }
}
