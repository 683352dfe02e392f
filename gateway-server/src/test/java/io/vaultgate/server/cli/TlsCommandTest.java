package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.server.cli.CliHarness.Result;
import io.vaultgate.server.tls.ForeignCa;
import io.vaultgate.server.tls.TlsNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate init --tls-name} and {@code vaultgate tls show|issue|import} on a real data directory, in-process:
 * the names end up in the certificate; a replacement keeps the old files beside it, writes the key 0600 and is
 * audited as the CLI's user; an import the listener could not serve is refused with its reason and changes nothing.
 */
class TlsCommandTest {

    private static final String USER = "cli:" + System.getProperty("user.name");

    @TempDir
    Path home;
    @TempDir
    Path files;

    @Test
    void initWithTlsNames_certificateNamesThemBesideLocalhost() throws Exception {
        CliHarness cli = new CliHarness(home);
        io.vaultgate.server.TestKeystore.seed(home);

        Result init = ok(cli.run("init", "--tls-name", "gw.example.com", "--tls-name", "*.files.example.com",
                "--tls-name", "192.0.2.10"));

        TlsNames names = TlsNames.of(serverCertificate()).orElseThrow();
        assertThat(names.dnsNames()).contains("localhost", "gw.example.com", "*.files.example.com");
        assertThat(names.ipAddresses()).contains("127.0.0.1", "192.0.2.10");
        assertThat(init.out()).contains("DNS:gw.example.com");
        Result show = ok(cli.run("tls", "show"));
        assertThat(show.out()).contains("DNS:gw.example.com", "IP:192.0.2.10", "this data directory's private CA",
                "days left", Fingerprints.sha256(serverCertificate()));
    }

    @Test
    void initWithABadTlsName_isBadUsage_andCreatesNothing() {
        CliHarness cli = new CliHarness(home);

        Result init = cli.run("init", "--tls-name", "gw.*.example.com");

        assertThat(init.exitCode()).isEqualTo(2);
        assertThat(init.err()).contains("--tls-name: TLS name gw.*.example.com: a wildcard is allowed only as the "
                + "whole first label");
        assertThat(home.resolve("tls")).doesNotExist();
    }

    @Test
    void initAgainWithTlsNames_leavesTheCertificate_andSaysHowToIssueOne() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        String before = Fingerprints.sha256(serverCertificate());

        Result again = ok(cli.run("init", "--tls-name", "gw.example.com"));

        assertThat(Fingerprints.sha256(serverCertificate())).isEqualTo(before);
        assertThat(again.out()).contains("vaultgate tls issue --name");
    }

    @Test
    void issue_newKeyAndNames_oldFilesKept_keyOwnerOnly_audited() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        String before = Fingerprints.sha256(serverCertificate());
        String oldKey = Files.readString(home.resolve("tls/server.key"));

        Result issue = ok(cli.run("tls", "issue", "--name", "gw.example.com", "--days", "90"));

        X509Certificate issued = serverCertificate();
        assertThat(Fingerprints.sha256(issued)).isNotEqualTo(before);
        assertThat(TlsNames.of(issued).orElseThrow().dnsNames()).contains("localhost", "gw.example.com");
        assertThat(Duration.between(Instant.now(), issued.getNotAfter().toInstant()).toDays()).isBetween(88L, 90L);
        assertThat(Files.readString(home.resolve("tls/server.key"))).isNotEqualTo(oldKey);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("tls/server.key"))))
                .isEqualTo("rw-------");
        List<Path> copies = replacedCopies();
        assertThat(copies).hasSize(2);
        Path keyCopy = copies.stream().filter(p -> p.getFileName().toString().startsWith("server.key")).findFirst()
                .orElseThrow();
        assertThat(Files.readString(keyCopy)).isEqualTo(oldKey);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyCopy))).isEqualTo("rw-------");
        assertThat(issue.out()).contains("issued by the private CA", "DNS:gw.example.com", ".replaced-");
        assertThat(tlsFileNames()).as("the new files were renamed into place").noneMatch(name -> name.endsWith(".new"));
        assertThat(auditedChanges(cli)).anySatisfy(line -> assertThat(line).contains("TLS_CERTIFICATE_CHANGED",
                "\"actor\":\"" + USER + "\"", "sha256:" + Fingerprints.sha256(issued), "replacing sha256:" + before));
    }

    /**
     * review31 L1: the audit record comes before the replacement. A catalog that refuses the record (a trigger, as
     * a locked or failing catalog would) leaves the served pair byte for byte, and nothing of the replacement beside
     * it; the command fails naming the cause.
     */
    @Test
    void issue_whoseAuditRecordIsRefused_replacesNothing_andSaysWhy() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        byte[] certificate = Files.readAllBytes(home.resolve("tls/server.crt"));
        byte[] key = Files.readAllBytes(home.resolve("tls/server.key"));
        List<String> before = tlsFileNames();
        refuseAuditRecordsNaming("TLS_CERTIFICATE_CHANGED");

        Result issue = cli.run("tls", "issue", "--name", "gw.example.com");

        assertThat(issue.exitCode()).as(issue.out()).isEqualTo(1);
        assertThat(issue.err()).contains("the HTTPS server certificate was not replaced",
                "its audit record (admin.change TLS_CERTIFICATE_CHANGED) could not be appended",
                "the catalog refuses this record (test)", "are unchanged");
        assertThat(issue.err()).as("the message only, no class name").contains("vaultgate: the HTTPS server")
                .doesNotContain("CertificateNotReplacedException");
        assertThat(issue.out()).doesNotContain("Installed");
        assertThat(Files.readAllBytes(home.resolve("tls/server.crt"))).isEqualTo(certificate);
        assertThat(Files.readAllBytes(home.resolve("tls/server.key"))).isEqualTo(key);
        assertThat(tlsFileNames()).as("no server.*.new, no .replaced- copy").isEqualTo(before);
    }

    @Test
    void issueWithoutNames_keepsTheCurrentNames() throws Exception {
        CliHarness cli = new CliHarness(home);
        io.vaultgate.server.TestKeystore.seed(home);
        ok(cli.run("init", "--tls-name", "gw.example.com"));

        ok(cli.run("tls", "issue"));

        assertThat(TlsNames.of(serverCertificate()).orElseThrow().dnsNames()).contains("gw.example.com");
    }

    @Test
    void issueWithBadDays_isBadUsage() {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());

        Result issue = cli.run("tls", "issue", "--days", "0");

        assertThat(issue.exitCode()).isEqualTo(2);
        assertThat(issue.err()).contains("--days: 0 is out of range");
    }

    @Test
    void import_aPublicCaCertificateWithItsChain_isInstalledAndAudited() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ForeignCa ca = new ForeignCa();
        IssuedCertificate bought = ca.server("gw.example.com");
        Path certificate = files.resolve("gw.crt");
        Pem.writeCertificates(certificate, List.of(bought.certificate()));
        Path chain = files.resolve("chain.crt");
        Pem.writeCertificates(chain, List.of(ca.intermediate()));
        Path key = files.resolve("gw.key");
        Pem.writePrivateKey(key, bought.privateKey());

        Result imported = ok(cli.run("tls", "import", "--cert", certificate.toString(), "--key", key.toString(),
                "--chain", chain.toString()));

        assertThat(Pem.readCertificates(home.resolve("tls/server.crt")))
                .containsExactly(bought.certificate(), ca.intermediate());
        assertThat(imported.out()).contains("imported from", "not this data directory's private CA");
        assertThat(ok(cli.run("tls", "show")).out()).contains("CN=gw.example.com", "1 CA certificate(s) after it");
        assertThat(auditedChanges(cli)).anySatisfy(line -> assertThat(line).contains("TLS_CERTIFICATE_CHANGED",
                "imported from", "sha256:" + Fingerprints.sha256(bought.certificate())));
    }

    /** review31 M2: an unreadable server.crt is what these commands repair, so it must not stop them. */
    @Test
    void aGarbledServerCertificate_isReplacedByImport_andIssueWithoutNamesAsksForThem() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        Files.writeString(home.resolve("tls/server.crt"), "-----BEGIN CERTIFICATE-----\ntruncated");

        Result issue = cli.run("tls", "issue");
        assertThat(issue.exitCode()).isEqualTo(1);
        assertThat(issue.err()).contains("cannot be read", "give them with --name");

        ForeignCa ca = new ForeignCa();
        IssuedCertificate bought = ca.server("gw.example.com");
        Path certificate = files.resolve("gw.crt");
        Pem.writeCertificates(certificate, List.of(bought.certificate()));
        Path key = files.resolve("gw.key");
        Pem.writePrivateKey(key, bought.privateKey());
        ok(cli.run("tls", "import", "--cert", certificate.toString(), "--key", key.toString()));

        assertThat(serverCertificate()).isEqualTo(bought.certificate());
        assertThat(replacedCopies()).as("the garbled file kept aside").hasSize(2);
    }

    /** review31 L4: an expired intermediate fails every client as an expired server certificate does. */
    @Test
    void import_refusesAnExpiredIntermediateInTheChain() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ForeignCa ca = new ForeignCa();
        IssuedCertificate bought = ca.server("gw.example.com");
        Path certificate = files.resolve("gw.crt");
        Pem.writeCertificates(certificate, List.of(bought.certificate()));
        Path chain = files.resolve("old-chain.crt");
        Pem.writeCertificates(chain, List.of(ca.expiredIntermediate()));
        Path key = files.resolve("gw.key");
        Pem.writePrivateKey(key, bought.privateKey());

        Result result = cli.run("tls", "import", "--cert", certificate.toString(), "--key", key.toString(), "--chain",
                chain.toString());

        assertThat(result.exitCode()).as(result.out()).isEqualTo(1);
        assertThat(result.err()).contains("the CA certificate CN=Example Issuing CA in the chain is not valid now");
        assertThat(replacedCopies()).isEmpty();
    }

    /** review31 M3: a CN-only certificate was shown, audited and renewed as DNS:localhost. */
    @Test
    void import_refusesACertificateWithoutSubjectAlternativeNames() throws Exception {
        IssuedCertificate cnOnly = new ForeignCa().serverWithoutNames("gw.example.com");
        refused(cnOnly.certificate(), cnOnly, "has no subject alternative name");
    }

    @Test
    void import_refusesAKeyOfAnotherCertificate() throws Exception {
        ForeignCa ca = new ForeignCa();
        IssuedCertificate bought = ca.server("gw.example.com");
        IssuedCertificate other = ca.server("other.example.com");
        refused(bought.certificate(), other, "the private key does not belong to the certificate CN=gw.example.com");
    }

    @Test
    void import_refusesAnExpiredCertificate() throws Exception {
        ForeignCa ca = new ForeignCa();
        IssuedCertificate expired = ca.server("gw.example.com", ForeignCa.rsa(2048),
                Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(1)),
                KeyPurposeId.id_kp_serverAuth);
        refused(expired.certificate(), expired, "the certificate CN=gw.example.com expired on");
    }

    @Test
    void import_refusesAWeakRsaKey() throws Exception {
        ForeignCa ca = new ForeignCa();
        IssuedCertificate weak = ca.server("gw.example.com", ForeignCa.rsa(1024),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(90)),
                KeyPurposeId.id_kp_serverAuth);
        refused(weak.certificate(), weak, "has an RSA key of 1024 bits, too weak: RSA keys need at least 2048 bits");
    }

    @Test
    void import_refusesAClientOnlyCertificate() throws Exception {
        ForeignCa ca = new ForeignCa();
        IssuedCertificate client = ca.server("gw.example.com", ForeignCa.ec("secp256r1"),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(90)),
                KeyPurposeId.id_kp_clientAuth);
        refused(client.certificate(), client, "is not for TLS servers: its extended key usage");
    }

    @Test
    void import_refusesAChainOutOfOrder() throws Exception {
        ForeignCa ca = new ForeignCa();
        IssuedCertificate bought = ca.server("gw.example.com");
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        Path certificate = files.resolve("gw.crt");
        Pem.writeCertificates(certificate, List.of(bought.certificate(), ca.root()));
        Path key = files.resolve("gw.key");
        Pem.writePrivateKey(key, bought.privateKey());

        Result result = cli.run("tls", "import", "--cert", certificate.toString(), "--key", key.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("the chain is not in order");
    }

    /** {@code tls import} of {@code certificate} with {@code key}'s private key fails, saying why; nothing changes. */
    private void refused(X509Certificate certificate, IssuedCertificate key, String reason) throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        String before = Files.readString(home.resolve("tls/server.crt"));
        Path certificateFile = files.resolve("candidate.crt");
        Pem.writeCertificates(certificateFile, List.of(certificate));
        Path keyFile = files.resolve("candidate.key");
        Pem.writePrivateKey(keyFile, key.privateKey());

        Result result = cli.run("tls", "import", "--cert", certificateFile.toString(), "--key", keyFile.toString());

        assertThat(result.exitCode()).as(result.out()).isEqualTo(1);
        assertThat(result.err()).contains(reason);
        assertThat(Files.readString(home.resolve("tls/server.crt"))).isEqualTo(before);
        assertThat(replacedCopies()).isEmpty();
        assertThat(auditedChanges(cli)).noneSatisfy(line -> assertThat(line).contains("TLS_CERTIFICATE_CHANGED"));
    }

    private X509Certificate serverCertificate() throws Exception {
        return Pem.readCertificates(home.resolve("tls/server.crt")).get(0);
    }

    private List<Path> replacedCopies() throws Exception {
        try (Stream<Path> tls = Files.list(home.resolve("tls"))) {
            return tls.filter(p -> p.getFileName().toString().contains(".replaced-")).toList();
        }
    }

    private List<String> tlsFileNames() throws Exception {
        try (Stream<Path> tls = Files.list(home.resolve("tls"))) {
            return tls.map(p -> p.getFileName().toString()).filter(name -> !name.endsWith(".lock")).sorted()
                    .toList(); // the replacements' lock file is no part of the pair (nor of a backup)
        }
    }

    /** Makes the SQLite catalog refuse to store an audit record that mentions {@code text}. */
    private void refuseAuditRecordsNaming(String text) throws Exception {
        try (Connection catalog = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("catalog.db"));
             Statement sql = catalog.createStatement()) {
            sql.execute("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events WHEN NEW.event LIKE '%" + text
                    + "%' BEGIN SELECT RAISE(ABORT, 'the catalog refuses this record (test)'); END");
        }
    }

    private List<String> auditedChanges(CliHarness cli) throws Exception {
        Path export = files.resolve("audit-" + System.nanoTime() + ".jsonl");
        ok(cli.run("audit", "export", "--since", "2000-01-01T00:00:00Z", "--out", export.toString()));
        return Files.readAllLines(export).stream().filter(line -> line.contains("admin.change")).toList();
    }

    private static Result ok(Result result) {
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        return result;
    }
}
