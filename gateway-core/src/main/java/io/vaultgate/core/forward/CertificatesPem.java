package io.vaultgate.core.forward;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/** Certificates and CRLs as PEM text, the form the catalog stores them in. */
final class CertificatesPem {

    private CertificatesPem() {
    }

    static String encode(List<X509Certificate> certificates) {
        StringBuilder text = new StringBuilder();
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (X509Certificate certificate : certificates) {
            try {
                text.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("a certificate cannot be encoded", e);
            }
        }
        return text.toString();
    }

    static String encodeCrls(List<X509CRL> crls) {
        StringBuilder text = new StringBuilder();
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (X509CRL crl : crls) {
            try {
                text.append("-----BEGIN X509 CRL-----\n").append(base64.encodeToString(crl.getEncoded()))
                        .append("\n-----END X509 CRL-----\n");
            } catch (java.security.cert.CRLException e) {
                throw new IllegalArgumentException("a CRL cannot be encoded", e);
            }
        }
        return text.toString();
    }

    /** Parses every CRL of a PEM text (none for null or blank). */
    static List<X509CRL> decodeCrls(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            return List.of();
        }
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCRLs(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                    .map(X509CRL.class::cast).toList();
        } catch (CertificateException | java.security.cert.CRLException e) {
            throw new IllegalArgumentException(what + ": not valid PEM CRLs", e);
        }
    }

    /** Parses every certificate of a PEM text; fails on none or on a malformed one. */
    static List<X509Certificate> decode(String pem, String what) {
        try {
            Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (parsed.isEmpty()) {
                throw new IllegalArgumentException(what + ": no certificate found; give PEM CERTIFICATE blocks");
            }
            return parsed.stream().map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw new IllegalArgumentException(what + ": not valid PEM certificates", e);
        }
    }
}
