package io.vaultgate.core.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.CatalogIndependent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@CatalogIndependent
class CertificateAuthorityTest {

    @TempDir
    Path dir;

    @Test
    void serverCertificate_chainsToTheCa_andNamesItsHosts() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Vaultgate test CA", Duration.ofDays(365),
                new SecureRandom(), Clock.systemUTC());
        IssuedCertificate server = ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(90));

        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(server.certificate())), parameters);
        assertThat(server.certificate().getSubjectAlternativeNames())
                .extracting(name -> (Object) name.get(1)).containsExactly("localhost", "127.0.0.1");
        assertThat(server.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    }

    @Test
    void keysAndChains_surviveAPemRoundTrip() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("CA", Duration.ofDays(1), new SecureRandom(),
                Clock.systemUTC());
        IssuedCertificate client = ca.issueClient("site-1", Duration.ofDays(1));
        client.write(dir.resolve("client.key"), dir.resolve("client.crt"));

        IssuedCertificate read = IssuedCertificate.read(dir.resolve("client.key"), dir.resolve("client.crt"));

        assertThat(read.privateKey().getEncoded()).isEqualTo(client.privateKey().getEncoded());
        assertThat(read.chain()).extracting(X509Certificate::getSerialNumber)
                .containsExactlyElementsOf(client.chain().stream().map(X509Certificate::getSerialNumber).toList());
    }

    /**
     * Keys and chains are written durably through a temporary copy renamed into place (DurableFile; crash-consistency
     * audit M1: they were written in place and never flushed): copies an interrupted write left are gone afterwards,
     * and a rewritten key is 0600 even over a file others could read.
     */
    @Test
    void keysAndChains_goThroughATemporaryCopy_andTheKeyStaysOwnerOnly() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("CA", Duration.ofDays(1), new SecureRandom(),
                Clock.systemUTC());
        IssuedCertificate client = ca.issueClient("site-1", Duration.ofDays(1));
        Files.writeString(dir.resolve("client.key"), "an older key");
        Files.setPosixFilePermissions(dir.resolve("client.key"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(dir.resolve(".client.key.tmp"), "half a key an interrupted write left");
        Files.writeString(dir.resolve(".client.crt.tmp"), "half a chain");

        client.write(dir.resolve("client.key"), dir.resolve("client.crt"));

        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("client.crt",
                    "client.key");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("client.key"))))
                .isEqualTo("rw-------");
        assertThat(Pem.readPrivateKey(dir.resolve("client.key")).getEncoded())
                .isEqualTo(client.privateKey().getEncoded());
    }
}
