package io.vaultgate.https.receiver;

import io.vaultgate.core.forward.PinnedTrust;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks the gateway's client certificate in each handshake against the gateway CA and the CRLs as they are now
 * ({@link RevocationLists}): the PKIX trust manager is built again whenever the CRLs change.
 */
final class ReloadingClientTrust extends X509ExtendedTrustManager {

    private final List<X509Certificate> anchors;
    private final RevocationLists revocation;
    private List<X509CRL> builtFor;
    private X509ExtendedTrustManager delegate;

    ReloadingClientTrust(List<X509Certificate> anchors, RevocationLists revocation) throws GeneralSecurityException {
        this.anchors = List.copyOf(anchors);
        this.revocation = revocation;
        delegate();
    }

    private synchronized X509ExtendedTrustManager delegate() throws GeneralSecurityException {
        List<X509CRL> now = revocation.current();
        if (now != builtFor) {
            delegate = Arrays.stream(PinnedTrust.trustManagers(anchors, now).getTrustManagers())
                    .filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast)
                    .findFirst().orElseThrow(() -> new GeneralSecurityException("no X509 trust manager for PKIX"));
            builtFor = now;
        }
        return delegate;
    }

    private X509ExtendedTrustManager current() throws CertificateException {
        try {
            return delegate();
        } catch (GeneralSecurityException e) {
            throw new CertificateException("cannot check client certificates: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        current().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        current().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the receiver checks clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the receiver checks clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the receiver checks clients only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return anchors.toArray(X509Certificate[]::new);
    }
}
