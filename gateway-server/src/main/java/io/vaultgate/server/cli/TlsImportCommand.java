package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.server.tls.PemInput;
import io.vaultgate.server.tls.ServerCertificateFiles;
import io.vaultgate.server.tls.ServerCertificatePolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vaultgate tls import}: installs a server certificate from another CA (a public or a company CA) with its key,
 * after {@link ServerCertificatePolicy} accepted it; nothing is changed when it refuses.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Install an HTTPS server certificate from a public or company CA, with its private key, in "
                + "place of the current one. Refused, with the reason, when the key does not belong to the "
                + "certificate, the certificate is expired or not yet valid, is not for TLS servers (extended key "
                + "usage without serverAuth), has a weak key (RSA below 2048 bits; EC other than P-256/384/521) or "
                + "a SHA-1 signature, or the chain is out of order.",
                "Give the intermediate CA certificates in --cert after the server certificate, or in --chain."})
final class TlsImportCommand extends CoreTask {

    private static final Duration SOON = Duration.ofDays(30);

    @Option(names = "--cert", required = true, paramLabel = "FILE",
            description = "PEM: the server certificate, optionally followed by its intermediate CA certificates.")
    Path certificate;

    @Option(names = "--key", required = true, paramLabel = "FILE",
            description = "PEM: the certificate's private key, unencrypted (PKCS#8 or traditional RSA/EC).")
    Path key;

    @Option(names = "--chain", paramLabel = "FILE", description = "PEM: intermediate CA certificates, issuer of the "
            + "server certificate first.")
    Path chain;

    TlsImportCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    int run(GatewayCore core, PrintWriter out) {
        List<X509Certificate> certificates = new ArrayList<>(PemInput.certificates("--cert", certificate));
        if (chain != null) {
            PemInput.certificates("--chain", chain).stream().filter(ca -> !certificates.contains(ca))
                    .forEach(certificates::add);
        }
        IssuedCertificate candidate = new IssuedCertificate(PemInput.privateKey("--key", key), certificates);
        java.time.Clock clock = clock().host();
        ServerCertificatePolicy.check(candidate, clock.instant());
        ServerCertificateFiles files = TlsCommand.files(config(), clock);
        try {
            TlsCommand.install(core, files, candidate, "imported from " + certificate.toAbsolutePath(), clock, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        Instant notAfter = candidate.certificate().getNotAfter().toInstant();
        if (notAfter.isBefore(clock.instant().plus(SOON))) {
            out.println("Warning: it expires on " + notAfter + ", within " + SOON.toDays() + " days: renew it with "
                    + "its CA soon.");
        }
        return 0;
    }
}
