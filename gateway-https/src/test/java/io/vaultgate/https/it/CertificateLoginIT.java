package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.ClientTls;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestGateway;
import io.vaultgate.https.testing.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging in with only a TLS client certificate, driven by curl against a real core: the certificate is
 * added to {@code alice}'s account, the listener verifies certificates of the client CA when sent.
 */
class CertificateLoginIT {

    @TempDir
    Path dir;

    private final CertificateAuthority clients = TestTls.clientCa("Client CA");
    private TestGateway gateway;
    private Curl curl;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Curl.available(), "curl is not installed");
        gateway = TestGateway.start(dir, s -> s.withClientTls(ClientTls.optional(List.of(clients.certificate()))));
        curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aRegisteredCertificateAlone_uploadsAndDownloads() throws Exception {
        Path certificate = registered("alice-laptop");
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        Path file = Files.write(dir.resolve("c.bin"), data);

        Curl.Result put = curl.run(withCertificate(certificate, "-T", file.toString(),
                gateway.url("/v1/files/inbox/c.bin")));
        Curl.Result get = curl.run(withCertificate(certificate, gateway.url("/v1/files/inbox/c.bin")));

        assertThat(put.status()).as(put.stderr()).isEqualTo(201);
        assertThat(put.body()).contains("\"path\":\"/inbox/c.bin\"").contains("\"size\":" + data.length);
        assertThat(get.status()).as(get.stderr()).isEqualTo(200);
        assertThat(get.bytes()).isEqualTo(data);
    }

    @Test
    void anUnregisteredCertificateOfTheTrustedCa_is401() throws Exception {
        Path certificate = TestTls.clientPem(clients, "nobody", Duration.ZERO, dir);

        Curl.Result list = curl.run(withCertificate(certificate, gateway.url("/v1/files/inbox/")));

        assertThat(list.status()).as(list.stderr()).isEqualTo(401);
    }

    @Test
    void aRefusedAuthorizationHeader_winsOverARegisteredCertificate() throws Exception {
        Path certificate = registered("alice-desktop");

        Curl.Result list = curl.run(withCertificate(certificate, "-H", "Authorization: Bearer vg_not_a_token",
                gateway.url("/v1/files/inbox/")));

        assertThat(list.status()).as(list.stderr()).isEqualTo(401);
    }

    @Test
    void aCertificateOfAnotherCa_failsTheHandshake() throws Exception {
        Path foreign = TestTls.clientPem(TestTls.clientCa("Other CA"), "foreign", Duration.ZERO, dir);

        Curl.Result list = curl.run(withCertificate(foreign, gateway.url("/v1/files/inbox/")));

        assertThat(list.exitCode()).as(list.stderr()).isNotZero();
        assertThat(list.status()).isZero();
    }

    /**
     * A certificate logs in as one account: registering alice's to an account of another tenant over the admin API is
     * {@code 409 certificate-taken}, naming neither alice nor her tenant, and alice goes on logging in with it (before,
     * it was registered twice and every request with it failed with a 500). A free one is registered (201).
     */
    @Test
    void aCertificateAliceHolds_isTakenForAnotherTenantsAccount_overTheAdminApi_andStillLogsAliceIn() throws Exception {
        Path certificate = registered("alice-tablet");
        gateway.core().administration().createTenant(TenantId.of("globex"), "Globex", false);
        gateway.core().administration().createAccount(TenantId.of("globex"), "gina");
        String admin = gateway.core().incidents().administrators().add("root-admin", "cli");

        Curl.Result taken = registerOverTheApi(admin, "gina", certificate);
        Curl.Result list = curl.run(withCertificate(certificate, gateway.url("/v1/files/inbox/")));
        Curl.Result free = registerOverTheApi(admin, "gina", TestTls.clientPem(clients, "gina", Duration.ZERO, dir));

        assertThat(taken.status()).as(taken.body()).isEqualTo(409);
        assertThat(taken.body()).contains("\"type\":\"urn:vaultgate:problem:certificate-taken\"",
                "is already registered to an account of another tenant").doesNotContain("alice", TestGateway.TENANT);
        assertThat(list.status()).as(list.stderr()).isEqualTo(200);
        assertThat(free.status()).as(free.body()).isEqualTo(201);
        assertThat(free.body()).contains("\"fingerprint\":\"");
    }

    /**
     * Over the admin API an expired certificate is refused, naming its notAfter, and nothing is registered; one not
     * valid yet (for a rollover) is registered and answered as {@code not-yet-valid}; the tenant's account list shows
     * each certificate of an account with its validity and state (before, an expired one was registered with a 201,
     * and the list showed no certificate).
     */
    @Test
    void anExpiredCertificate_isRefusedOverTheAdminApi_andTheAccountListShowsEachCertificatesState() throws Exception {
        Path valid = registered("alice-laptop");
        String admin = gateway.core().incidents().administrators().add("root-admin", "cli");
        Path expired = TestTls.clientPem(clients, "alice-old", Duration.ofDays(2), dir); // valid for 1 day
        Path next = TestTls.clientPem(clients, "alice-next", Duration.ofDays(-2), dir);

        Curl.Result refused = registerOverTheApi(admin, TestGateway.USER, expired);
        Curl.Result early = registerOverTheApi(admin, TestGateway.USER, next);
        Curl.Result list = curl.run("-H", "Authorization: Bearer " + admin,
                gateway.url("/v1/admin/tenants/" + TestGateway.TENANT + "/accounts"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("\"type\":\"urn:vaultgate:problem:certificate-expired\"",
                "expired on " + notAfter(expired));
        assertThat(early.status()).as(early.body()).isEqualTo(201);
        assertThat(early.body()).contains("\"fingerprint\":\"" + fingerprint(next) + "\",\"notBefore\":\""
                + notBefore(next) + "\",\"notAfter\":\"" + notAfter(next) + "\",\"state\":\"not-yet-valid\"");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.body()).contains("\"clientCertificates\":[{\"fingerprint\":\"" + fingerprint(valid)
                + "\",\"subject\":\"CN=alice-laptop\",\"notBefore\":\"" + notBefore(valid) + "\",\"notAfter\":\""
                + notAfter(valid) + "\",\"state\":\"valid\"}", "\"fingerprint\":\"" + fingerprint(next)
                + "\",\"subject\":\"CN=alice-next\",\"notBefore\":\"" + notBefore(next) + "\",\"notAfter\":\""
                + notAfter(next) + "\",\"state\":\"not-yet-valid\"}").doesNotContain(fingerprint(expired));
    }

    private static java.security.cert.X509Certificate read(Path pem) throws Exception {
        return Pem.readCertificates(pem).get(0);
    }

    private static String fingerprint(Path pem) throws Exception {
        return io.vaultgate.core.pki.Fingerprints.sha256(read(pem));
    }

    private static String notBefore(Path pem) throws Exception {
        return read(pem).getNotBefore().toInstant().toString();
    }

    private static String notAfter(Path pem) throws Exception {
        return read(pem).getNotAfter().toInstant().toString();
    }

    private Curl.Result registerOverTheApi(String adminToken, String username, Path certificate) throws Exception {
        String pem = Files.readString(certificate).replace("\r", "").replace("\n", "\\n");
        return curl.run("-X", "POST", "-H", "Authorization: Bearer " + adminToken, "-H",
                "Content-Type: application/json", "--data-binary", "{\"certificate\":\"" + pem + "\"}",
                gateway.url("/v1/admin/accounts/" + username + "/client-certificates"));
    }

    /** Issues a client certificate of the trusted CA, adds it to alice's account, returns its PEM file. */
    private Path registered(String name) throws Exception {
        Path certificate = TestTls.clientPem(clients, name, Duration.ZERO, dir);
        gateway.core().administration().addClientCertificate(TestGateway.USER,
                Pem.readCertificates(certificate).get(0));
        return certificate;
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
