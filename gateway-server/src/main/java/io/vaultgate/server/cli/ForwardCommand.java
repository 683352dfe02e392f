package io.vaultgate.server.cli;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.ForwardingAdministration;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.forward.RetryPolicy;
import io.vaultgate.core.forward.SiteForwarding;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.server.CatalogDatabase;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.ForwardingCa;
import io.vaultgate.server.Vaultgate;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.server.tls.PemInput;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vaultgate forward list|retry|configure}: the forwarding outbox and sites' forwarding settings.
 * The commands open only the catalog (never the master secret); a running gateway sees their changes
 * at its next poll.
 */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Inspect and replay forwards to BPO sites; configure a site's endpoint and mTLS material.",
        subcommands = {ForwardCommand.ListJobs.class, ForwardCommand.Retry.class, ForwardCommand.Configure.class})
public final class ForwardCommand {

    /** A subcommand over the catalog of the configured data directory. */
    abstract static class CatalogTask implements Callable<Integer> {
        private final Map<String, String> env;

        @Mixin
        GlobalOptions global;

        @Spec
        CommandSpec spec;

        CatalogTask(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            VaultgateConfig config = global.load(env);
            try (Database database = CatalogDatabase.openExisting(config, env)) {
                return run(config, database, Vaultgate.clock(spec).onCatalog(database),
                        spec.commandLine().getOut());
            }
        }

        /** @param clock the time to write in the catalog: the host's, put on the catalog's as the nodes' is */
        abstract int run(VaultgateConfig config, Database database, Clock clock, PrintWriter out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List forward jobs, oldest first.")
    static final class ListJobs extends CatalogTask {
        @Option(names = "--state", description = "pending, in_flight, delivered, dead or abandoned (default: all).")
        String state;

        @Option(names = "--limit", defaultValue = "200", description = "At most this many jobs (default 200).")
        int limit;

        @Option(names = "--file", description = "Only the jobs of this file id (its forwarding state per site).")
        String file;

        ListJobs(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(VaultgateConfig config, Database database, Clock clock, PrintWriter out) {
            Optional<ForwardState> filter = Optional.ofNullable(state).map(ListJobs::parseState);
            Outbox outbox = new Outbox(database, RetryPolicy.defaults(), new SecureRandom());
            List<ForwardJob> jobs = file == null ? outbox.list(filter, limit)
                    : outbox.byFile(file).stream().filter(job -> filter.map(job.state()::equals).orElse(true)).toList();
            out.printf("%-27s %-10s %-12s %-12s %-35s %3s %-24s %s%n", "ID", "STATE", "SITE", "TENANT", "FILE",
                    "TRY", "NEXT / SETTLED", "LAST ERROR");
            for (ForwardJob job : jobs) {
                String when = job.deliveredAt().or(job::abandonedAt).or(() -> job.state() == ForwardState.PENDING
                        ? Optional.of(job.nextAttemptAt()) : job.leaseExpiresAt()).map(Object::toString).orElse("-");
                out.printf("%-27s %-10s %-12s %-12s %-35s %3d %-24s %s%n", job.id(), job.state(), job.siteId(),
                        job.tenant(), job.fileId(), job.attempts(), when, job.lastError().orElse("-"));
            }
            return 0;
        }

        private static ForwardState parseState(String text) {
            try {
                return ForwardState.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--state " + text + ": use pending, in_flight, delivered, dead or "
                        + "abandoned");
            }
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Make a DEAD forward job pending again, due now, with a fresh count of attempts.")
    static final class Retry extends CatalogTask {
        @Parameters(paramLabel = "ID", description = "The job id shown by `vaultgate forward list --state dead`.")
        String id;

        Retry(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(VaultgateConfig config, Database database, Clock clock, PrintWriter out) {
            ForwardJob job = new Outbox(database, RetryPolicy.defaults(), new SecureRandom())
                    .retry(id, clock.instant());
            out.println("Forward job " + job.id() + " (file " + job.fileId() + " to site " + job.siteId()
                    + ") is " + job.state() + " again");
            return 0;
        }
    }

    @Command(name = "configure", mixinStandardHelpOptions = true,
            description = {"Set a site's forwarding endpoint, its trust anchors and the gateway's client certificate.",
                    "Example: vaultgate forward configure manila --endpoint https://drop.manila.example:9443 "
                            + "--trust manila-ca.pem --issue-client-cert"})
    static final class Configure extends CatalogTask {
        @Parameters(paramLabel = "SITE", description = "The site's id.")
        String site;

        @Option(names = "--endpoint", required = true, description = "https://host[:port][/base] of the site.")
        URI endpoint;

        @Option(names = "--trust", required = true, description = "PEM CA certificate(s) of the site's server certificate.")
        Path trust;

        @Option(names = "--client-cert", description = "PEM client certificate chain (leaf first) given to the site.")
        Path clientCert;

        @Option(names = "--client-key", description = "PEM private key of --client-cert (kept in this file, 0600).")
        Path clientKey;

        @Option(names = "--issue-client-cert", description = "Issue the client certificate from the forwarding CA "
                + "(<home>/tls/forwarding-ca.key, created on first use) into <home>/tls/forward-<site>.key/.crt; "
                + "give the site <home>/tls/forwarding-ca.crt for its --client-ca, never ca.crt (it also issues "
                + "the tenants' account certificates).")
        boolean issue;

        @Option(names = "--max-concurrency", defaultValue = "4", description = "Forwards in flight to the site (default 4).")
        int maxConcurrency;

        @Option(names = "--crl", description = "PEM CRL(s) of the site's CA; revocation is then checked and fails "
                + "closed. Repeatable.")
        List<Path> crls = new java.util.ArrayList<>();

        @Option(names = "--no-site-digest", description = "Accept a 2xx without Repr-Digest (plain WebDAV servers).")
        boolean noSiteDigest;

        Configure(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(VaultgateConfig config, Database database, Clock clock, PrintWriter out) {
            ForwardingAdministration admin = new ForwardingAdministration(database, clock);
            try {
                Path key;
                List<java.security.cert.X509Certificate> chain;
                if (issue == (clientCert != null || clientKey != null)) {
                    throw new IllegalArgumentException("give either --issue-client-cert or both --client-cert and "
                            + "--client-key");
                }
                DataDirectory home = new DataDirectory(config);
                // everything given is checked before anything is issued: a mistake leaves no credential behind
                SiteForwarding.checkEndpoint(endpoint);
                List<java.security.cert.X509Certificate> anchors = PemInput.certificates("--trust", trust);
                List<java.security.cert.X509CRL> revoked = readCrls();
                if (issue) {
                    admin.requireSite(site); // a typo in SITE issues and writes nothing, not even the forwarding CA
                    key = home.tlsDir().resolve("forward-" + site + ".key").toAbsolutePath();
                    CertificateAuthority ca = ForwardingCa.openOrCreate(home, new SecureRandom(),
                            Vaultgate.clock(spec).host());
                    chain = admin.issueClientCertificate(site, ca, key, Duration.ofDays(825)).chain();
                    Pem.writeCertificates(home.tlsDir().resolve("forward-" + site + ".crt"), chain);
                } else {
                    if (clientCert == null || clientKey == null) {
                        throw new IllegalArgumentException("--client-cert and --client-key go together");
                    }
                    key = clientKey.toAbsolutePath();
                    chain = PemInput.certificates("--client-cert", clientCert);
                    PemInput.privateKey("--client-key", clientKey); // read by the forwarder: refused now, not then
                }
                admin.configureSite(new SiteForwarding(site, endpoint, anchors, chain, key, Optional.empty(),
                        maxConcurrency, !noSiteDigest, revoked));
                out.println("Site " + site + " forwards to " + endpoint + " with client certificate "
                        + chain.get(0).getSubjectX500Principal().getName() + " (key " + key + ")");
                if (issue) {
                    out.println("Give the site the forwarding CA certificate " + home.forwardingCaCertificate()
                            + " for its --client-ca (not " + home.caCertificate().getFileName()
                            + ", which also issues the tenants' account certificates)");
                }
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private List<java.security.cert.X509CRL> readCrls() throws IOException {
            List<java.security.cert.X509CRL> all = new java.util.ArrayList<>();
            for (Path file : crls) {
                try (java.io.InputStream in = Files.newInputStream(file)) {
                    var read = java.security.cert.CertificateFactory.getInstance("X.509").generateCRLs(in);
                    if (read.isEmpty()) { // else revocation would silently not be checked
                        throw new IllegalArgumentException("--crl " + file + ": the file holds no CRL");
                    }
                    read.forEach(crl -> all.add((java.security.cert.X509CRL) crl));
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalArgumentException("--crl " + file + ": not a PEM X509 CRL file", e);
                }
            }
            return all;
        }
    }
}
