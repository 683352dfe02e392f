package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.server.cli.CliHarness.Result;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site configured, as before the forwarding CA, with a forwarder certificate of the gateway CA is a doctor finding
 * until the site's certificate is issued again.
 */
class ForwarderIssuerDoctorTest {

    @TempDir
    Path home;

    @Test
    void aForwarderCertificateOfTheGatewayCa_isAFinding_untilIssuedByTheForwardingCa() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("site", "add", "manila").exitCode()).isZero();
        CertificateAuthority gatewayCa = new CertificateAuthority(IssuedCertificate.read(home.resolve("tls/ca.key"),
                home.resolve("tls/ca.crt")), new SecureRandom(), Clock.systemUTC());
        gatewayCa.issueClient("vaultgate-forwarder-manila", Duration.ofDays(30))
                .write(home.resolve("old-forwarder.key"), home.resolve("old-forwarder.crt"));
        configure(cli, "--client-cert", home.resolve("old-forwarder.crt").toString(), "--client-key",
                home.resolve("old-forwarder.key").toString());

        Result before = cli.run("doctor", "--min-free", "0");

        assertThat(before.out()).contains("forwarder-issuer: site manila:", "tls/forwarding-ca.crt");

        configure(cli, "--issue-client-cert");
        assertThat(cli.run("doctor", "--min-free", "0").out()).doesNotContain("forwarder-issuer");
    }

    private void configure(CliHarness cli, String... certificate) {
        List<String> args = new ArrayList<>(List.of("forward", "configure", "manila", "--endpoint",
                "https://127.0.0.1:9443", "--trust", home.resolve("tls/ca.crt").toString()));
        args.addAll(List.of(certificate));
        Result result = cli.run(args.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.err()).isZero();
    }
}
