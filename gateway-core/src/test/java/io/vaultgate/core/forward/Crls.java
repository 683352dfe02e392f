package io.vaultgate.core.forward;

import io.vaultgate.core.pki.CertificateAuthority;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificate revocation lists signed by a test CA. */
final class Crls {

    private Crls() {
    }

    /** A CRL of {@code ca}, current for a day, revoking {@code revoked}. */
    static X509CRL revoking(CertificateAuthority ca, X509Certificate... revoked) throws Exception {
        return revokingUntil(ca, Instant.now().plus(Duration.ofDays(1)), revoked);
    }

    /** A CRL of {@code ca}, current until {@code nextUpdate}, revoking {@code revoked}. */
    static X509CRL revokingUntil(CertificateAuthority ca, Instant nextUpdate, X509Certificate... revoked)
            throws Exception {
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                Date.from(now.minus(Duration.ofMinutes(5))));
        builder.setNextUpdate(Date.from(nextUpdate));
        for (X509Certificate certificate : revoked) {
            builder.addCRLEntry(certificate.getSerialNumber(), Date.from(now.minus(Duration.ofMinutes(1))),
                    CRLReason.keyCompromise);
        }
        builder.addCRLEntry(BigInteger.ONE, Date.from(now.minus(Duration.ofDays(1))), CRLReason.superseded);
        return new JcaX509CRLConverter().getCRL(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(ca.ca().privateKey())));
    }
}
