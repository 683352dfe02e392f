package io.vaultgate.https.receiver;

import io.vaultgate.core.forward.ForwardProtocol;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Whether the gateway's client certificate is the forwarder certificate of the site this receiver serves: its subject
 * has one common name, {@code vaultgate-forwarder-SITE} ({@link ForwardProtocol#forwarderCommonName}), as the
 * forwarding CA issues it ({@code vaultgate forward configure SITE --issue-client-cert}). The forwarding CA issues one
 * such certificate per site, all trusted by every site's {@code --client-ca}: without this check the key of one site's
 * certificate ({@code forward-SITE.key}) delivered to every site. Other parts of the subject (an organisation's own
 * PKI may add some) do not matter.
 */
final class ForwarderName {

    private final String site;
    private final String expected;

    ForwarderName(String site) {
        this.site = site;
        this.expected = ForwardProtocol.forwarderCommonName(site);
    }

    /** Empty if {@code leaf} names this site's forwarder; otherwise why it is refused. */
    Optional<String> refusal(X509Certificate leaf) {
        if (commonNames(leaf).equals(List.of(expected))) {
            return Optional.empty();
        }
        return Optional.of("the client certificate " + leaf.getSubjectX500Principal().getName() + " is not the "
                + "forwarder certificate of site " + site + ", the site this receiver serves (CN=" + expected
                + "): it was issued for another site");
    }

    private static List<String> commonNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs()) {
            for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                if (attribute.getType().equals(BCStyle.CN)) {
                    names.add(attribute.getValue() instanceof ASN1String text ? text.getString() : "");
                }
            }
        }
        return names;
    }
}
