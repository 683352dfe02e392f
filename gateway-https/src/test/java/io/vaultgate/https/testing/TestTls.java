package io.vaultgate.https.testing;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.https.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A private CA and a server certificate for 127.0.0.1 and localhost, made fresh (Bouncy Castle) for each test. */
public final class TestTls {

    private final CertificateAuthority ca;
    private final IssuedCertificate server;
    private final Path caPem;

    private TestTls(CertificateAuthority ca, IssuedCertificate server, Path caPem) {
        this.ca = ca;
        this.server = server;
        this.caPem = caPem;
    }

    public static TestTls create(Path directory) {
        CertificateAuthority ca = CertificateAuthority.create("Vaultgate Test CA", Duration.ofDays(1),
                new SecureRandom(), Clock.systemUTC());
        IssuedCertificate server = ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(1));
        Path caPem = directory.resolve("ca.pem");
        try {
            Pem.writeCertificates(caPem, List.of(ca.certificate()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestTls(ca, server, caPem);
    }

    public TlsMaterial serverMaterial() {
        return TlsMaterial.of(server.privateKey(), server.chain());
    }

    /** The CA certificate as a PEM file, for {@code curl --cacert}. */
    public Path caPem() {
        return caPem;
    }

    /** A client CA for mutual TLS, separate from the server's CA. */
    public static CertificateAuthority clientCa(String name) {
        return CertificateAuthority.create(name, Duration.ofDays(30), new SecureRandom(), Clock.systemUTC());
    }

    /**
     * Issues a client certificate valid from {@code age} ago for one day (so expired when the age is
     * longer than a day) and writes it and its key as PEM files; returns the certificate file.
     */
    public static Path clientPem(CertificateAuthority ca, String commonName, Duration age, Path directory)
            throws IOException {
        CertificateAuthority then = new CertificateAuthority(ca.ca(), new SecureRandom(),
                Clock.offset(Clock.systemUTC(), age.negated()));
        IssuedCertificate client = then.issueClient(commonName, Duration.ofDays(1));
        Path certificate = directory.resolve(commonName + ".pem");
        Pem.writeCertificates(certificate, client.chain());
        Pem.writePrivateKey(directory.resolve(commonName + ".key"), client.privateKey());
        return certificate;
    }

    /** Writes the server certificate chain and key as PEM files, for other servers in benchmarks. */
    public void writeServerPem(Path certificate, Path key) throws IOException {
        Pem.writeCertificates(certificate, server.chain());
        Pem.writePrivateKey(key, server.privateKey());
    }

    /** A client-side context that trusts only the test CA. */
    public SSLContext clientContext(String protocol) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance(protocol);
            context.init(null, factory.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
