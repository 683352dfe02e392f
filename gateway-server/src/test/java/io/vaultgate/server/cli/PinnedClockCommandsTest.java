package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.server.CommandClock;
import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line on a pinned clock ({@link CommandClock#pinned}, as a test gives a core its own clock): what its
 * commands say about time is judged at the pinned instant, in the core ({@code account add-cert}), over the catalog
 * ({@code account show}, {@code account list --certificates-expiring}) and on the host ({@code tls show}). So a
 * certificate 29 days from its expiry and one 31 days from it are told apart exactly, which the system clock allowed
 * only with days of slack. The instants are years ahead and only move forward, as a gateway's clock does.
 */
class PinnedClockCommandsTest {

    /** When the test's client CA issues: far enough ahead that the system clock judges it not yet valid. */
    private static final Instant ISSUED = Instant.parse("2031-03-01T00:00:00Z");
    private static final Duration VALIDITY = Duration.ofDays(60);

    @TempDir
    Path home;
    @TempDir
    Path files;
    private X509Certificate certificate;
    private Instant notAfter;

    @BeforeEach
    void anAccountAndACertificateIssuedAhead() throws Exception {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "acme"));
        ok(cli.run("account", "add", "alice", "--tenant", "acme"));
        ok(cli.run("account", "add", "bob", "--tenant", "acme"));
        CertificateAuthority ca = CertificateAuthority.create("clients", Duration.ofDays(1000), new SecureRandom(),
                Clock.fixed(ISSUED, ZoneOffset.UTC));
        ca.issueClient("alice", VALIDITY).write(files.resolve("alice.key"), pem());
        certificate = Pem.readCertificates(pem()).get(0);
        notAfter = certificate.getNotAfter().toInstant();
    }

    @Test
    void accountShow_marksACertificate29DaysFromExpiry_andNotOne31DaysFrom() {
        ok(at(ISSUED.plus(Duration.ofHours(1))).run("account", "add-cert", "alice", "--client-cert", pem().toString()));

        Result days31 = ok(at(notAfter.minus(Duration.ofDays(31))).run("account", "show", "alice"));
        Result days29 = ok(at(notAfter.minus(Duration.ofDays(29))).run("account", "show", "alice"));

        assertThat(days31.out()).contains("  expires " + notAfter).doesNotContain("within 30 days", "NOT YET VALID");
        assertThat(days29.out()).contains("  expires " + notAfter + " (within 30 days)");
    }

    @Test
    void accountListCertificatesExpiring30d_listsIt29DaysFromExpiry_notAt31() {
        ok(at(ISSUED.plus(Duration.ofHours(1))).run("account", "add-cert", "alice", "--client-cert", pem().toString()));

        Result days31 = ok(at(notAfter.minus(Duration.ofDays(31)))
                .run("account", "list", "--certificates-expiring", "30d"));
        Result days29 = ok(at(notAfter.minus(Duration.ofDays(29)))
                .run("account", "list", "--certificates-expiring", "30d"));

        assertThat(days31.out()).startsWith("Client certificates expiring within 30d or expired, of every tenant: 0")
                .doesNotContain("acme/alice");
        assertThat(days29.out()).startsWith("Client certificates expiring within 30d or expired, of every tenant: 1")
                .contains("  acme/alice  ", "expires " + notAfter);
    }

    /** The core judges a certificate to register on the command line's clock: a day past its expiry, it is refused. */
    @Test
    void accountAddCert_aDayAfterTheCertificateExpired_isRefused_andNothingIsRegistered() {
        Instant dayAfter = notAfter.plus(Duration.ofDays(1));

        Result refused = at(dayAfter).run("account", "add-cert", "bob", "--client-cert", pem().toString());

        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(1);
        assertThat(refused.err()).contains("expired on " + notAfter + " (its notAfter; it is now " + dayAfter + ")");
        assertThat(ok(at(dayAfter).run("account", "show", "bob")).out()).doesNotContain(notAfter.toString());
    }

    /** init issued the server certificate on the system clock; tls show counts its days left on the pinned one. */
    @Test
    void tlsShow_countsTheServerCertificatesDaysLeft_andSaysExpired_onThePinnedClock() throws Exception {
        Instant serverNotAfter = Pem.readCertificates(home.resolve("tls/server.crt")).get(0).getNotAfter().toInstant();

        Result days29 = ok(at(serverNotAfter.minus(Duration.ofDays(29)).minus(Duration.ofHours(1))).run("tls", "show"));
        Result expired = ok(at(serverNotAfter.plusSeconds(1)).run("tls", "show"));

        assertThat(days29.out()).contains("  not after:   " + serverNotAfter + " (29 days left)");
        assertThat(expired.out()).contains("  not after:   " + serverNotAfter + " (EXPIRED)");
    }

    private CliHarness at(Instant now) {
        return new CliHarness(home, CommandClock.pinned(Clock.fixed(now, ZoneOffset.UTC)));
    }

    private Path pem() {
        return files.resolve("alice.crt");
    }

    private static Result ok(Result result) {
        assertThat(result.exitCode()).as(result.err()).isZero();
        return result;
    }
}
