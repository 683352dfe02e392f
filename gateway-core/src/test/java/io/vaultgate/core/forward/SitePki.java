package io.vaultgate.core.forward;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The certificates of {@link ForwardFixture} without its core: a gateway CA, a site CA with a loopback server
 * certificate, and the gateway's client certificate for site {@value ForwardFixture#SITE} with its key in a
 * file, for tests of the forwarder's TLS that need no catalog ({@code @CatalogIndependent}).
 */
final class SitePki {

    final SecureRandom random = new SecureRandom();
    final CertificateAuthority gatewayCa;
    final CertificateAuthority siteCa;
    final IssuedCertificate siteServer;
    final Path clientKey;
    final IssuedCertificate clientCertificate;

    SitePki(Path home, Clock clock) {
        this.gatewayCa = CertificateAuthority.create("Vaultgate test gateway CA", Duration.ofDays(30), random, clock);
        this.siteCa = CertificateAuthority.create("Manila site CA", Duration.ofDays(30), random, clock);
        this.siteServer = siteCa.issueServer("manila receiver", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(10));
        // as ForwardingAdministration.issueClientCertificate issues it, without the catalog that class reads
        this.clientCertificate = gatewayCa.issueClient("vaultgate-forwarder-" + ForwardFixture.SITE,
                Duration.ofDays(10));
        this.clientKey = home.resolve("keys").resolve("forward-" + ForwardFixture.SITE + ".key");
        try {
            Files.createDirectories(clientKey.getParent());
            Pem.writePrivateKey(clientKey, clientCertificate.privateKey());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SiteStub stub() throws Exception {
        return new SiteStub(siteServer, gatewayCa.certificate());
    }

    /**
     * Incompressible content of {@code size} bytes, different in every call: test data, not key material, so from a
     * {@link SplittableRandom} seeded by {@link #random}, which fills the 64 MiB bodies of {@link Http1PutTest} in
     * ~0.1 s instead of the ~1-3 s the {@code SecureRandom} (NativePRNG) takes on a loaded 2-core machine.
     */
    byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(random.nextLong()).nextBytes(bytes);
        return bytes;
    }
}
