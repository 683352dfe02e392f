package io.vaultgate.core.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A private key with its certificate chain (leaf first). The key is never logged. */
public record IssuedCertificate(PrivateKey privateKey, List<X509Certificate> chain) {

    public IssuedCertificate {
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    public void write(Path keyFile, Path chainFile) throws IOException {
        Pem.writePrivateKey(keyFile, privateKey);
        Pem.writeCertificates(chainFile, chain);
    }

    public static IssuedCertificate read(Path keyFile, Path chainFile) throws IOException {
        return new IssuedCertificate(Pem.readPrivateKey(keyFile), Pem.readCertificates(chainFile));
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + certificate().getSubjectX500Principal().getName() + "]";
    }
}
