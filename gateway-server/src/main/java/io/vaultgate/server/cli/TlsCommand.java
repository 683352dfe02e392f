package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.StartupException;
import io.vaultgate.server.Vaultgate;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.server.tls.ServerCertificateFiles;
import io.vaultgate.server.tls.TlsNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vaultgate tls show|issue|import}: the HTTPS server certificate of the data directory ({@code tls/server.crt}
 * and {@code tls/server.key}), which {@code vaultgate init} issues from the private CA for localhost and this host.
 * A running gateway serves a replaced certificate to new connections within seconds (docs/operations.md).
 */
@Command(name = "tls", mixinStandardHelpOptions = true,
        description = {"Show, renew or replace the HTTPS server certificate (<home>/tls/server.crt and server.key).",
                "A running gateway picks up a new certificate within a few seconds, for new connections; a file it "
                        + "cannot use is logged and the old certificate kept. Replacements are recorded in the audit "
                        + "log, and the replaced files kept beside them as *.replaced-<time>."},
        subcommands = {TlsCommand.Show.class, TlsIssueCommand.class, TlsImportCommand.class})
public final class TlsCommand {

    /** The certificate and key files of {@code config}'s data directory, issued on {@code clock}. */
    static ServerCertificateFiles files(VaultgateConfig config, Clock clock) {
        return new ServerCertificateFiles(new DataDirectory(config).tlsDir(), new SecureRandom(), clock);
    }

    /** {@code given} as certificate names, or bad usage naming {@code option} and the rule the bad name breaks. */
    static TlsNames names(CommandSpec spec, String option, List<String> given) {
        try {
            return TlsNames.parse(given);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    /** What {@code tls show} prints about {@code certificate}, also printed after an issue or an import. */
    static void describe(PrintWriter out, X509Certificate certificate, boolean fromPrivateCa, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        long daysLeft = Duration.between(now, notAfter).toDays();
        out.println("  subject:     " + certificate.getSubjectX500Principal().getName());
        out.println("  names:       " + TlsNames.of(certificate).map(String::valueOf)
                .orElse("(no subject alternative names: clients that check the host name refuse it)"));
        out.println("  issuer:      " + certificate.getIssuerX500Principal().getName()
                + (fromPrivateCa ? " (this data directory's private CA, tls/ca.crt)" : " (not this data directory's "
                + "private CA)"));
        out.println("  not after:   " + notAfter + (now.isAfter(notAfter) ? " (EXPIRED)" : " (" + daysLeft
                + " days left)"));
        out.println("  sha256:      " + Fingerprints.sha256(certificate));
    }

    /**
     * The server certificate in place, if one can be read: an empty, truncated or garbled file is what `tls issue`
     * and `tls import` are run to replace, so it must not stop them ({@link ServerCertificateFiles#replace} keeps its
     * bytes aside as any replaced file).
     */
    static Optional<X509Certificate> current(ServerCertificateFiles files) {
        if (!Files.exists(files.certificate())) {
            return Optional.empty();
        }
        try {
            return Pem.readCertificates(files.certificate()).stream().findFirst();
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * Puts {@code replacement} in place of the server certificate, once it is recorded in the audit log as the CLI's
     * user ({@code admin.change} {@code TLS_CERTIFICATE_CHANGED}, naming the new and the replaced certificate); prints
     * what was done. The record comes first: a replacement whose record cannot be appended is not made
     * ({@link ServerCertificateFiles#replace}), so the running gateway never serves an unaudited certificate.
     */
    static void install(GatewayCore core, ServerCertificateFiles files, IssuedCertificate replacement, String how,
                        Clock clock, PrintWriter out) throws IOException {
        Optional<X509Certificate> previous = current(files);
        X509Certificate next = replacement.certificate();
        String detail = "https server certificate " + how + " sha256:" + Fingerprints.sha256(next) + " ("
                + TlsNames.of(next).orElseThrow() + "; not after " + next.getNotAfter().toInstant() + ")"
                + previous.map(old -> " replacing sha256:" + Fingerprints.sha256(old)).orElse("");
        List<Path> copies = files.replace(replacement, () -> core.audit().append(new AuditEvent.AdminChange(
                clock.instant(), Optional.empty(), Actor.current(), AuditEvent.AdminAction.TLS_CERTIFICATE_CHANGED,
                detail)));
        out.println("Installed the HTTPS server certificate " + files.certificate() + " (key " + files.key() + ", "
                + "mode 0600), " + how + ":");
        describe(out, next, files.issuedByPrivateCa(next), clock.instant());
        if (!copies.isEmpty()) {
            out.println("The replaced files are kept as " + copies.get(0) + " and " + copies.get(1) + ".");
        }
        out.println("Recorded in the audit log (admin.change TLS_CERTIFICATE_CHANGED, by " + Actor.current() + ").");
        out.println("A running gateway serves it to new connections within a few seconds; with several nodes, copy "
                + "both files to each node's tls/.");
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the server certificate's subject, names, issuer, expiry and SHA-256 fingerprint.")
    static final class Show implements Callable<Integer> {

        private final Map<String, String> env;

        @Mixin
        GlobalOptions global;

        @Spec
        CommandSpec spec;

        Show(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws IOException {
            Clock clock = Vaultgate.clock(spec).host();
            ServerCertificateFiles files = files(global.load(env), clock);
            if (!Files.exists(files.certificate())) {
                throw new StartupException("home " + files.certificate().getParent().getParent(),
                        "no server certificate " + files.certificate(), "run vaultgate init first");
            }
            List<X509Certificate> chain = Pem.readCertificates(files.certificate());
            PrintWriter out = spec.commandLine().getOut();
            out.println("HTTPS server certificate " + files.certificate() + ":");
            describe(out, chain.get(0), files.issuedByPrivateCa(chain.get(0)), clock.instant());
            if (chain.size() > 1) {
                out.println("  chain:       " + (chain.size() - 1) + " CA certificate(s) after it, up to "
                        + chain.get(chain.size() - 1).getSubjectX500Principal().getName());
            }
            return 0;
        }
    }
}
