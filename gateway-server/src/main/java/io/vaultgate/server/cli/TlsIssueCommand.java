package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.server.tls.ServerCertificateFiles;
import io.vaultgate.server.tls.ServerCertificatePolicy;
import io.vaultgate.server.tls.TlsNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code vaultgate tls issue}: a new key pair and server certificate from the data directory's private CA, to renew the
 * certificate or give it other names. Without {@code --name} the new certificate keeps the current one's names; with
 * it, it names what {@code init} names (localhost, this host, the loopback addresses) and the given names.
 */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = {"Issue a new HTTPS server certificate (new ECDSA P-256 key) from the private CA "
                + "(<home>/tls/ca.crt), replacing the current one: to renew it, or to name the hosts clients "
                + "connect by. Clients trust it through tls/ca.crt, as before.",
                "Without --name it keeps the current certificate's names. With --name it names localhost, this "
                        + "host's name, 127.0.0.1, ::1 and every --name."})
final class TlsIssueCommand extends CoreTask {

    static final int MAX_DAYS = 3650;

    @Option(names = "--name", paramLabel = "NAME", description = "A DNS name (gw.example.com, *.example.com) or IP "
            + "address for the certificate. Repeatable.")
    List<String> names = new ArrayList<>();

    @Option(names = "--days", paramLabel = "N", defaultValue = "397",
            description = "Days the certificate is valid (1-" + MAX_DAYS + ", default ${DEFAULT-VALUE}); it must "
                    + "end before the private CA does.")
    int days;

    TlsIssueCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    int run(GatewayCore core, PrintWriter out) {
        if (days < 1 || days > MAX_DAYS) {
            throw new ParameterException(spec.commandLine(), "--days: " + days + " is out of range; give 1 to "
                    + MAX_DAYS);
        }
        TlsNames given = names.isEmpty() ? null : TlsCommand.names(spec, "--name", names);
        java.time.Clock clock = clock().host();
        ServerCertificateFiles files = TlsCommand.files(config(), clock);
        try {
            // init makes the private CA only with the first certificate: a lost one is restored, never made anew here
            CertificateAuthority ca = files.ca().orElseThrow(() -> new IllegalArgumentException("no private CA in "
                    + files.caCertificate().getParent() + " (ca.crt and ca.key): restore them from a backup (or "
                    + "copy them from another node), or install a certificate of another CA with vaultgate tls "
                    + "import"));
            TlsNames certificateNames = given != null ? TlsNames.defaults().plus(given) : currentNames(files);
            IssuedCertificate issued = files.issue(ca, certificateNames, Duration.ofDays(days));
            ServerCertificatePolicy.check(issued, clock.instant());
            TlsCommand.install(core, files, issued, "issued by the private CA", clock, out);
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** The names of the certificate in place (init's defaults where there is none); refused where none can be read. */
    private static TlsNames currentNames(ServerCertificateFiles files) {
        if (!Files.exists(files.certificate())) {
            return TlsNames.defaults();
        }
        return TlsCommand.current(files).flatMap(TlsNames::of).orElseThrow(() -> new IllegalArgumentException(
                "the names of the certificate in place cannot be read from " + files.certificate() + " (unreadable, "
                + "or no subject alternative name): give them with --name"));
    }
}
