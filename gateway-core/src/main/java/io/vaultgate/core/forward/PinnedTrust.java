package io.vaultgate.core.forward;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Trust in exactly the given CA certificates (never the JDK's defaults), optionally with revocation
 * checked against the given CRLs. With CRLs, revocation checking is on and fails closed: a certificate
 * whose issuer has no current CRL among them is refused, as is a revoked one. Nothing is fetched from the
 * network (no CRL distribution points, no OCSP).
 */
public final class PinnedTrust {

    private PinnedTrust() {
    }

    public static TrustManagerFactory trustManagers(List<X509Certificate> anchors, List<X509CRL> revocationLists)
            throws GeneralSecurityException {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot create an empty key store", e);
        }
        for (int i = 0; i < anchors.size(); i++) {
            store.setCertificateEntry("anchor-" + i, anchors.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        if (revocationLists.isEmpty()) {
            factory.init(store);
            return factory;
        }
        PKIXBuilderParameters parameters = new PKIXBuilderParameters(store, new X509CertSelector());
        parameters.addCertStore(CertStore.getInstance("Collection",
                new CollectionCertStoreParameters(List.copyOf(revocationLists))));
        parameters.setRevocationEnabled(true);
        factory.init(new CertPathTrustManagerParameters(parameters));
        return factory;
    }
}
