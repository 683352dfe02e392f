package io.vaultgate.server.tls;

import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.https.ClientTls;
import io.vaultgate.https.TlsMaterial;
import io.vaultgate.https.tls.ServerTls;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * What a certificate must be for the HTTPS listener to serve it, checked before it replaces the one in use (by
 * {@code vaultgate tls import} and {@code issue}, and by the running gateway before it reloads the files): the key
 * belongs to the certificate; the certificate is valid now; it may be used for TLS servers (an extended key usage,
 * if present, includes serverAuth; a key usage, if present, includes digitalSignature); its key is RSA of at least
 * 2048 bits or ECDSA on P-256, P-384 or P-521, the keys the listener's TLS 1.2 suites (ECDHE_RSA, ECDHE_ECDSA) and
 * every common client can use; no certificate of the chain is signed with SHA-1 or MD5; and each certificate of the
 * chain is signed by the next one; and the TLS provider builds a context with it. Each refusal says what is wrong
 * and what to give instead.
 */
public final class ServerCertificatePolicy {

    static final int MIN_RSA_BITS = 2048;
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_USAGE = "2.5.29.37.0";
    private static final int DIGITAL_SIGNATURE = 0;

    private ServerCertificatePolicy() {
    }

    /**
     * The key and chain as the listener's TLS material, once every rule holds at {@code now}.
     *
     * @throws IllegalArgumentException the first rule broken, with the fix
     */
    public static TlsMaterial check(IssuedCertificate candidate, Instant now) {
        X509Certificate leaf = candidate.certificate();
        String subject = leaf.getSubjectX500Principal().getName();
        requireStrongKey(leaf.getPublicKey(), subject);
        TlsMaterial material;
        try {
            material = TlsMaterial.of(candidate.privateKey(), candidate.chain());
        } catch (IllegalArgumentException mismatch) {
            throw new IllegalArgumentException("the private key does not belong to the certificate " + subject
                    + "; give the key the certificate was issued for (the one its request was made with)", mismatch);
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new IllegalArgumentException("the certificate " + subject + " expired on "
                    + leaf.getNotAfter().toInstant() + "; give a current one");
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw new IllegalArgumentException("the certificate " + subject + " is valid only from "
                    + leaf.getNotBefore().toInstant() + "; check this host's clock, or install it then");
        }
        requireServerUsage(leaf, subject);
        requireSoundChain(candidate.chain(), now);
        try {
            ServerTls.serverContext(material, ClientTls.NONE);
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("the TLS provider cannot serve the certificate " + subject + ": "
                    + e.getMessage(), e);
        }
        return material;
    }

    private static void requireStrongKey(PublicKey key, String subject) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new IllegalArgumentException("the certificate " + subject + " has an RSA key of " + bits
                        + " bits, too weak: RSA keys need at least " + MIN_RSA_BITS + " bits (3072 recommended), or "
                        + "use ECDSA P-256");
            }
            return;
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            String curve = ec.getParams().toString().toLowerCase(Locale.ROOT);
            boolean nist = curve.contains("secp256r1") || curve.contains("secp384r1") || curve.contains("secp521r1")
                    || curve.contains("nist p-") || curve.contains("prime256v1");
            if (bits < 256 || !nist) {
                throw new IllegalArgumentException("the certificate " + subject + " has an EC key on " + curve
                        + " (" + bits + " bits): only P-256, P-384 and P-521 are accepted");
            }
            return;
        }
        throw new IllegalArgumentException("the certificate " + subject + " has a " + key.getAlgorithm()
                + " key: the HTTPS listener serves RSA (2048 bits or more) and ECDSA (P-256, P-384, P-521) "
                + "certificates, the ones every TLS client accepts");
    }

    private static void requireServerUsage(X509Certificate leaf, String subject) {
        if (TlsNames.of(leaf).isEmpty()) {
            throw new IllegalArgumentException("the certificate " + subject + " has no subject alternative name: "
                    + "clients check the host name against those, not the subject's CN; ask the CA for a certificate "
                    + "with subjectAltName DNS:<the gateway's name>");
        }
        try {
            List<String> purposes = leaf.getExtendedKeyUsage();
            if (purposes != null && !purposes.contains(SERVER_AUTH) && !purposes.contains(ANY_USAGE)) {
                throw new IllegalArgumentException("the certificate " + subject + " is not for TLS servers: its "
                        + "extended key usage " + purposes + " lacks serverAuth (" + SERVER_AUTH + "); ask the CA "
                        + "for a server certificate");
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("the certificate " + subject + " has an unreadable extended key "
                    + "usage: " + e.getMessage(), e);
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage != null && !usage[DIGITAL_SIGNATURE]) {
            throw new IllegalArgumentException("the certificate " + subject + " is not for TLS servers: its key "
                    + "usage lacks digitalSignature, which TLS 1.3 and ECDHE need; ask the CA for a server "
                    + "certificate");
        }
        if (leaf.getBasicConstraints() >= 0) {
            throw new IllegalArgumentException("the certificate " + subject + " is a CA certificate; give the "
                    + "server certificate first and the CA certificates after it (--chain)");
        }
    }

    /**
     * Each certificate is signed by the one after it; the CA certificates after the server's are CAs and valid now
     * (an expired intermediate fails every client as an expired server certificate does); nothing is signed with
     * SHA-1 or MD5 but a trailing self-signed root, whose signature no client checks.
     */
    private static void requireSoundChain(List<X509Certificate> chain, Instant now) {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            String name = certificate.getSubjectX500Principal().getName();
            String algorithm = certificate.getSigAlgName().toUpperCase(Locale.ROOT);
            boolean trailingRoot = i > 0 && i == chain.size() - 1
                    && certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
            if (!trailingRoot && (algorithm.contains("SHA1") || algorithm.contains("MD5"))) {
                throw new IllegalArgumentException("the certificate " + name + " is signed with "
                        + certificate.getSigAlgName() + ", which clients refuse; ask the CA for one signed with "
                        + "SHA-256 or better");
            }
            if (i > 0) {
                requireCurrentCa(certificate, name, now);
            }
            if (i + 1 < chain.size()) {
                X509Certificate issuer = chain.get(i + 1);
                try {
                    certificate.verify(issuer.getPublicKey());
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException("the chain is not in order: " + name + " is not signed by the "
                            + "certificate after it, " + issuer.getSubjectX500Principal().getName() + "; give the "
                            + "server certificate first, then each issuer in turn", e);
                }
            }
        }
    }

    private static void requireCurrentCa(X509Certificate certificate, String name, Instant now) {
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("the certificate " + name + " in the chain is not a CA certificate; "
                    + "give the server certificate first, then the CA certificates that issued it");
        }
        Instant from = certificate.getNotBefore().toInstant();
        Instant until = certificate.getNotAfter().toInstant();
        if (now.isAfter(until) || now.isBefore(from)) {
            throw new IllegalArgumentException("the CA certificate " + name + " in the chain is not valid now (valid "
                    + from + " to " + until + "); ask the CA for its current intermediate certificate");
        }
    }
}
