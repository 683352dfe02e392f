package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.testing.NginxDavSite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain forwarding to a server that is not ours: Debian's nginx with WebDAV {@code PUT} and
 * {@code ssl_verify_client on}, started on a loopback port. nginx answers 201/204 without a digest, so the
 * site is configured without site digests. This drives the core's forwarder directly; the same site fed by
 * the real front-ends (OpenSSH sftp, curl) of a running gateway is {@code ForwardToNginxIT} in gateway-server.
 */
class NginxForwardIT {

    @TempDir
    Path home;
    private ForwardFixture fixture;
    private NginxDavSite nginx;
    private Forwarder forwarder;

    @BeforeEach
    void startNginx() throws Exception {
        assumeTrue(NginxDavSite.installed(), "nginx is not installed");
        fixture = new ForwardFixture(home, new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        nginx = NginxDavSite.start(Files.createDirectories(home.resolve("nginx")), fixture.siteServer,
                List.of(fixture.gatewayCa.certificate()));
        fixture.admin.configureSite(new SiteForwarding(ForwardFixture.SITE, nginx.endpoint(),
                List.of(fixture.siteCa.certificate()), fixture.clientCertificate.chain(), fixture.clientKey,
                Optional.empty(), 4, false));
        forwarder = fixture.forwarder("node-a");
    }

    @AfterEach
    void stop() throws Exception {
        if (forwarder != null) {
            forwarder.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void multiMegabyteFile_isStoredByNginx_byteForByte() throws Exception {
        byte[] content = fixture.randomBytes(6 * 1024 * 1024 + 5);
        FileRecord file = fixture.uploadAndQueue("/inbox/big.bin", content);

        assertThat(forwarder.runDue()).isEqualTo(1);

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(fixture.job(file).siteDigest()).isEmpty();
        assertThat(Files.readAllBytes(nginx.stored(file.id()))).isEqualTo(content);
    }

    @Test
    void clientCertificateNginxDoesNotTrust_storesNothing() throws Exception {
        CertificateAuthority stranger = CertificateAuthority.create("Stranger", Duration.ofDays(1), fixture.random,
                fixture.clock);
        Path key = home.resolve("keys/stranger.key");
        IssuedCertificate foreign = fixture.admin.issueClientCertificate(ForwardFixture.SITE, stranger, key,
                Duration.ofDays(1));
        SiteForwarding current = fixture.admin.site(ForwardFixture.SITE).orElseThrow();
        fixture.admin.configureSite(new SiteForwarding(current.siteId(), current.endpoint(), current.trustAnchors(),
                foreign.chain(), key, Optional.empty(), 4, false));
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "secret".getBytes());

        forwarder.runDue();

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.PENDING);
        assertThat(fixture.job(file).lastError()).hasValueSatisfying(error -> assertThat(error).contains("400"));
        assertThat(Files.exists(nginx.stored(file.id()))).isFalse();
    }
}
