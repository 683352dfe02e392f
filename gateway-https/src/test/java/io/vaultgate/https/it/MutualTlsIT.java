package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.https.ClientTls;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestGateway;
import io.vaultgate.https.testing.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client certificates verified in the TLS handshake, driven by curl: good, wrong CA, expired, missing. */
class MutualTlsIT {

    @TempDir
    Path dir;

    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void required_acceptsOnlyAValidCertificateOfTheTrustedCa() throws Exception {
        assumeTrue(Curl.available());
        CertificateAuthority clients = TestTls.clientCa("Client CA");
        CertificateAuthority stranger = TestTls.clientCa("Other CA");
        gateway = TestGateway.start(dir, s -> s.withClientTls(ClientTls.required(List.of(clients.certificate()))));
        Curl curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));
        String bearer = "Authorization: Bearer " + gateway.token();

        // with required, the token's account must hold the certificate (CertificateBindingTest has the refusals)
        Path good = TestTls.clientPem(clients, "good", Duration.ZERO, dir);
        gateway.core().administration().addClientCertificate(TestGateway.USER, Pem.readCertificates(good).get(0));
        Curl.Result goodCertificate = curl.run(withCertificate(good, "-H", bearer, gateway.url("/v1/files/inbox/")));
        Curl.Result none = curl.run("-H", bearer, gateway.url("/v1/files/inbox/"));
        Curl.Result wrongCa = curl.run(withCertificate(TestTls.clientPem(stranger, "wrong", Duration.ZERO, dir),
                "-H", bearer, gateway.url("/v1/files/inbox/")));
        Curl.Result expired = curl.run(withCertificate(TestTls.clientPem(clients, "expired", Duration.ofDays(3), dir),
                "-H", bearer, gateway.url("/v1/files/inbox/")));

        assertThat(goodCertificate.status()).as(goodCertificate.stderr()).isEqualTo(200);
        for (Curl.Result refused : List.of(none, wrongCa, expired)) {
            assertThat(refused.exitCode()).as(refused.stderr()).isNotZero();
            assertThat(refused.status()).isZero();
        }
    }

    @Test
    void optional_aCertificateOfNoAccount_is401_theTokenStillWorks() throws Exception {
        assumeTrue(Curl.available());
        CertificateAuthority clients = TestTls.clientCa("Client CA");
        gateway = TestGateway.start(dir, s -> s.withClientTls(ClientTls.optional(List.of(clients.certificate()))));
        Curl curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));

        Curl.Result certificateOnly = curl.run(withCertificate(TestTls.clientPem(clients, "c", Duration.ZERO, dir),
                gateway.url("/v1/files/inbox/")));
        Curl.Result tokenOnly = curl.run("-H", "Authorization: Bearer " + gateway.token(), gateway.url("/v1/files/inbox/"));

        assertThat(certificateOnly.status()).isEqualTo(401);
        assertThat(tokenOnly.status()).as(tokenOnly.stderr()).isEqualTo(200);
    }

    private static String[] withCertificate(Path certificate, String... args) {
        String key = certificate.toString().replaceAll("\\.pem$", ".key");
        String[] all = new String[args.length + 4];
        all[0] = "--cert";
        all[1] = certificate.toString();
        all[2] = "--key";
        all[3] = key;
        System.arraycopy(args, 0, all, 4, args.length);
        return all;
    }
}
