package io.vaultgate.server.cli;

import io.vaultgate.core.admin.CredentialInventory;
import io.vaultgate.core.admin.CredentialInventory.Holder;
import io.vaultgate.core.admin.ExpiringClientCertificates;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code vaultgate account show|list} and {@code operator show}: who holds which credentials, without a secret.
 * Read-only: they open only the catalog (never the master secret or the key provider) and change nothing.
 */
final class CredentialReviewCommands {

    private CredentialReviewCommands() {
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show a client account: its tenant, role, state (active, expired, locked, shredded) and "
                    + "what it may log in with: SSH key fingerprints and types, client certificate fingerprints, "
                    + "subjects and expiry (UTC; EXPIRED once past), whether a password is set, its live API tokens "
                    + "by label and date, whether TOTP is enrolled. Never prints a key, token, password or hash.",
                    "Example: vaultgate account show acme-upload"})
    static final class ShowAccount extends ForwardCommand.CatalogTask {
        @Parameters(paramLabel = "USERNAME", description = "The account.")
        String username;

        ShowAccount(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(VaultgateConfig config, Database database, Clock clock, PrintWriter out) {
            Holder account = new CredentialInventory(database, clock).account(username)
                    .orElseThrow(() -> new IllegalArgumentException("no account named " + username
                            + "; see `vaultgate account list --tenant TENANT`"));
            CredentialReport.print(account, clock.instant(), out);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Show every client account of a tenant, as `vaultgate account show` does, by username. "
                    + "With --certificates-expiring, list instead the client certificates that expire within that "
                    + "time or have expired (a mutual-TLS login with an expired one is refused), soonest first, of "
                    + "the tenant's accounts or, without --tenant, of every tenant's, and those whose expiry the "
                    + "gateway does not know (registered before it recorded it).",
                    "Example: vaultgate account list --tenant acme",
                    "Example: vaultgate account list --certificates-expiring 30d"})
    static final class ListAccounts extends ForwardCommand.CatalogTask {
        @Option(names = "--tenant", description = "The tenant whose accounts to show (required without "
                + "--certificates-expiring).")
        String tenant;

        @Option(names = "--certificates-expiring", paramLabel = "DURATION", description = "List the client "
                + "certificates expiring within this time (e.g. 30d, 12h), expired ones included, instead of the "
                + "accounts.")
        String certificatesExpiring;

        ListAccounts(Map<String, String> env) {
            super(env);
        }

        @Override
        public Integer call() {
            if (tenant == null && certificatesExpiring == null) {
                throw new ParameterException(spec.commandLine(), "Missing required option: '--tenant=<tenant>' "
                        + "(or --certificates-expiring DURATION for the client certificates of every tenant)");
            }
            if (certificatesExpiring != null) {
                try {
                    Durations.parseBounded("--certificates-expiring", certificatesExpiring);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
            }
            return super.call();
        }

        @Override
        int run(VaultgateConfig config, Database database, Clock clock, PrintWriter out) {
            Optional<TenantId> scope = Optional.ofNullable(tenant).map(TenantId::of);
            if (certificatesExpiring != null) {
                Duration within = Durations.parseBounded("--certificates-expiring", certificatesExpiring);
                new CertificateExpiryReport(new ExpiringClientCertificates(database), clock.instant())
                        .print(certificatesExpiring.strip(), within, scope, out);
                return 0;
            }
            List<Holder> accounts = new CredentialInventory(database, clock).accounts(scope.orElseThrow());
            out.println("Tenant " + tenant + ": " + accounts.size() + " account(s)");
            for (Holder account : accounts) {
                out.println();
                CredentialReport.print(account, clock.instant(), out);
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show an operator: its site, state (active or removed) and what it may log in with: SSH "
                    + "key fingerprints and types, its live API tokens by label and date, whether TOTP is enrolled. "
                    + "Never prints a key, token or secret.",
                    "Example: vaultgate operator show maria"})
    static final class ShowOperator extends ForwardCommand.CatalogTask {
        @Parameters(paramLabel = "USERNAME", description = "The operator.")
        String username;

        ShowOperator(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(VaultgateConfig config, Database database, Clock clock, PrintWriter out) {
            Holder operator = new CredentialInventory(database, clock).operator(username)
                    .orElseThrow(() -> new IllegalArgumentException("no operator named " + username
                            + "; see `vaultgate operator list`"));
            CredentialReport.print(operator, clock.instant(), out);
            return 0;
        }
    }
}
