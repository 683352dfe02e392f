package io.vaultgate.server.cli;

import static io.vaultgate.server.cli.AccountCredentialCommandsTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When an account's client certificate expires, from the command line: {@code account show} prints each
 * certificate's expiry (UTC) and marks an expired one, {@code account list --certificates-expiring 30d} lists the ones
 * to replace across tenants, {@code doctor} reports those expiring within 30 days or expired with the commands that
 * replace and revoke them; a certificate registered before the catalog recorded validity is shown as of unknown
 * expiry until it is registered again. Registering an expired certificate is refused; one not valid yet is registered
 * and shown as such. The command line runs on the system clock, so the expired certificate of the set-up is written as
 * its registration recorded it when it was still valid ({@link #registeredWhileValid}).
 */
class CertificateExpiryCommandTest {

    @TempDir
    Path home;
    @TempDir
    Path files;
    private CliHarness cli;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private X509Certificate expired;
    private X509Certificate soon;
    private X509Certificate later;

    @BeforeEach
    void accountsWithCertificatesExpiringAtDifferentTimes() throws Exception {
        cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "acme"));
        ok(cli.run("tenant", "add", "globex"));
        expired = certificate("acme-old", now.minus(Duration.ofDays(40)), Duration.ofDays(10));
        soon = certificate("globex-soon", now, Duration.ofDays(10));
        later = certificate("acme-api", now, Duration.ofDays(397));
        ok(cli.run("account", "add", "acme-old", "--tenant", "acme"));
        registeredWhileValid("acme-old", expired, now.minus(Duration.ofDays(40)));
        ok(cli.run("account", "add", "globex-soon", "--tenant", "globex", "--client-cert",
                pem("globex-soon").toString()));
        ok(cli.run("account", "add", "acme-api", "--tenant", "acme", "--client-cert",
                pem("acme-api").toString(), "--token"));
    }

    @Test
    void show_printsEachCertificatesExpiry_andMarksAnExpiredOne() {
        String api = ok(cli.run("account", "show", "acme-api")).out();
        String old = ok(cli.run("account", "show", "acme-old")).out();
        String globex = ok(cli.run("account", "show", "globex-soon")).out();

        assertThat(api).contains(Fingerprints.sha256(later) + "  CN=acme-api  added ",
                "  expires " + notAfter(later)).doesNotContain("EXPIRED", "within 30 days", "expiry not recorded");
        assertThat(old).contains(Fingerprints.sha256(expired) + "  CN=acme-old  added ",
                "  EXPIRED " + notAfter(expired) + " (mutual-TLS logins with it are refused)",
                "(no usable credential: acme-old cannot log in)");
        assertThat(globex).contains("  expires " + notAfter(soon) + " (within 30 days)")
                .doesNotContain("no usable credential");
    }

    @Test
    void listCertificatesExpiring_namesTheOnesToReplace_ofEveryTenant_orOfOne() {
        Result all = ok(cli.run("account", "list", "--certificates-expiring", "30d"));

        List<String> lines = all.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("Client certificates expiring within 30d or expired, of every tenant: 2");
        assertThat(lines.get(1)).startsWith("  acme/acme-old  " + Fingerprints.sha256(expired) + "  CN=acme-old  "
                + "EXPIRED " + notAfter(expired));
        assertThat(lines.get(2)).startsWith("  globex/globex-soon  " + Fingerprints.sha256(soon) + "  CN=globex-soon  "
                + "expires " + notAfter(soon));
        assertThat(all.out()).doesNotContain("acme-api", "unknown")
                .contains("vaultgate account add-cert USER --client-cert NEW.pem", "vaultgate account revoke USER "
                        + "--certificate SHA256 --reason TEXT");

        assertThat(ok(cli.run("account", "list", "--certificates-expiring", "30d", "--tenant", "acme"))
                .out()).startsWith("Client certificates expiring within 30d or expired, of tenant acme: 1")
                .contains("acme/acme-old").doesNotContain("globex");
        assertThat(ok(cli.run("account", "list", "--certificates-expiring", "0s")).out())
                .as("expired ones only").contains("acme/acme-old").doesNotContain("globex-soon");
        assertThat(ok(cli.run("account", "list", "--certificates-expiring", "400d")).out())
                .contains("of every tenant: 3");
    }

    @Test
    void listWithoutATenantOrExpiry_andABadDuration_areUsageErrors() {
        Result neither = cli.run("account", "list");
        Result bad = cli.run("account", "list", "--certificates-expiring", "soon");

        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("Missing required option: '--tenant=<tenant>'", "--certificates-expiring");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--certificates-expiring soon: not a duration");
        assertThat(ok(cli.run("account", "list", "--tenant", "acme")).out())
                .startsWith("Tenant acme: 2 account(s)");
    }

    @Test
    void doctor_reportsExpiredAndSoonExpiringCertificates_withTheCommandsThatReplaceThem() {
        Result doctor = cli.run("doctor");

        assertThat(doctor.exitCode()).isEqualTo(1);
        List<String> findings = doctor.out().lines().filter(line -> line.startsWith("client-certificate-expiry: "))
                .toList();
        assertThat(findings).hasSize(2);
        assertThat(findings.get(0)).contains("account acme/acme-old certificate " + Fingerprints.sha256(expired),
                "expired on " + notAfter(expired), "vaultgate account add-cert acme-old --client-cert NEW.pem",
                "vaultgate account revoke acme-old --certificate " + Fingerprints.sha256(expired));
        assertThat(findings.get(1)).contains("account globex/globex-soon", "expires on " + notAfter(soon)
                + ", within 30 days");

        ok(cli.run("account", "revoke", "acme-old", "--certificate", Fingerprints.sha256(expired),
                "--reason", "expired"));

        assertThat(cli.run("doctor").out()).doesNotContain("acme-old").contains("globex-soon");
    }

    @Test
    void aCertificateRegisteredBeforeValidityWasRecorded_isShownAsUnknown_untilRegisteredAgain() {
        try (Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            catalog.inTransaction(jdbc -> jdbc.update("UPDATE account_certificates SET not_before = NULL, not_after "
                    + "= NULL WHERE fingerprint = ?", Fingerprints.sha256(later))); // as V34 leaves an older row
        }

        assertThat(ok(cli.run("account", "show", "acme-api")).out())
                .contains("CN=acme-api  added ", "  expiry unknown", "(expiry unknown: registered before the gateway "
                        + "recorded it; `vaultgate account add-cert acme-api --client-cert PEM`");
        assertThat(ok(cli.run("account", "list", "--certificates-expiring", "30d")).out())
                .contains("Client certificates whose expiry is unknown (registered before the gateway recorded it), "
                        + "of every tenant: 1", "  acme/acme-api  " + Fingerprints.sha256(later));
        assertThat(cli.run("doctor").out()).as("unknown is not expiring").doesNotContain("acme-api");

        ok(cli.run("account", "add-cert", "acme-api", "--client-cert", pem("acme-api").toString()));

        assertThat(ok(cli.run("account", "show", "acme-api")).out())
                .contains("  expires " + notAfter(later)).doesNotContain("expiry unknown");
    }

    @Test
    void anExpiredCertificate_isRefused_byAddCertAndByAccountAdd_namingItsNotAfter_andNoAccountIsMade()
            throws Exception {
        X509Certificate gone = certificate("acme-gone", now.minus(Duration.ofDays(40)), Duration.ofDays(10));

        Result addCert = cli.run("account", "add-cert", "acme-api", "--client-cert", pem("acme-gone").toString());
        Result add = cli.run("account", "add", "acme-new", "--tenant", "acme", "--client-cert",
                pem("acme-gone").toString(), "--token");

        assertThat(addCert.exitCode()).as(addCert.out()).isEqualTo(1);
        assertThat(addCert.err()).contains("vaultgate: client certificate " + Fingerprints.sha256(gone)
                + " expired on " + notAfter(gone), "TLS handshakes refuse it", "register the new one instead");
        assertThat(add.exitCode()).as(add.out()).isEqualTo(1);
        assertThat(add.err()).contains("expired on " + notAfter(gone));
        assertThat(add.out()).doesNotContain("API token");
        assertThat(cli.run("account", "show", "acme-new").exitCode()).as("no account made").isEqualTo(1);
        assertThat(ok(cli.run("account", "show", "acme-api")).out()).contains("client certificates: 1")
                .doesNotContain(Fingerprints.sha256(gone));
    }

    @Test
    void aCertificateNotValidYet_isRegistered_sayingFromWhen_andShownNotYetValid_andNotUsable() throws Exception {
        X509Certificate next = certificate("acme-next", now.plus(Duration.ofDays(7)), Duration.ofDays(397));
        String notBefore = next.getNotBefore().toInstant().toString();

        Result added = ok(cli.run("account", "add", "acme-next", "--tenant", "acme", "--client-cert",
                pem("acme-next").toString()));
        Result show = ok(cli.run("account", "show", "acme-next"));

        assertThat(added.out()).contains("  added client certificate " + Fingerprints.sha256(next) + " (not valid "
                + "yet: mutual-TLS logins with it are accepted from " + notBefore + ", until " + notAfter(next) + ")");
        assertThat(show.out()).contains("  NOT YET VALID until " + notBefore + ", expires " + notAfter(next)
                + " (mutual-TLS logins with it are refused until then)", "(no usable credential: acme-next cannot "
                + "log in)").doesNotContain("  expires " + notAfter(next));
    }

    /**
     * Writes the registration of {@code certificate} to {@code username} as the catalog records it (validity included)
     * when it is registered at {@code at}, while it is valid: the command line, on the system clock, refuses it now.
     */
    private void registeredWhileValid(String username, X509Certificate certificate, Instant at) {
        AccountRepository accounts = new AccountRepository();
        try (Database catalog = Database.sqlite(home.resolve("catalog.db"))) {
            catalog.inTransaction(jdbc -> accounts.addCertificate(jdbc, accounts.findByUsername(jdbc, username)
                    .orElseThrow().id(), certificate, at));
        }
    }

    private X509Certificate certificate(String name, Instant issuedAt, Duration validity) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("clients", Duration.ofDays(1000), new SecureRandom(),
                Clock.fixed(issuedAt, ZoneOffset.UTC));
        ca.issueClient(name, validity).write(files.resolve(name + ".key"), pem(name));
        return Pem.readCertificates(pem(name)).get(0);
    }

    private Path pem(String name) {
        return files.resolve(name + ".crt");
    }

    private static String notAfter(X509Certificate certificate) {
        return certificate.getNotAfter().toInstant().toString();
    }
}
