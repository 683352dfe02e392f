package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.AccountCreation;
import io.vaultgate.core.admin.AccountCredentials;
import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.admin.RegisteredCertificate;
import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.pki.CertificateState;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.tls.PemInput;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaultgate account add|add-key|add-cert|add-token|set-password|show|list|revoke|expire}; the credentials of
 * an existing account are added by {@link AccountCredentialCommands} and shown by {@link CredentialReviewCommands}.
 */
@Command(name = "account", mixinStandardHelpOptions = true,
        description = "Manage client accounts and their credentials; review who holds what with show and list.",
        subcommands = {AccountCommand.Add.class, AccountCredentialCommands.AddKey.class,
                AccountCommand.AddCertificate.class, AccountCredentialCommands.AddToken.class,
                AccountCredentialCommands.SetPassword.class, CredentialReviewCommands.ShowAccount.class,
                CredentialReviewCommands.ListAccounts.class, AccountCommand.Revoke.class, AccountCommand.Expire.class})
public final class AccountCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Create a client account of a tenant, with SSH public keys, a password or an API token.",
                    "Example: vaultgate account add acme-upload --tenant acme --ssh-key ~/.ssh/id_ed25519.pub"})
    static final class Add extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "Login name: 2-64 of a-z, 0-9, '.', '_' and '-'.")
        String username;

        @Option(names = "--tenant", required = true, description = "The tenant the account belongs to.")
        String tenant;

        @Option(names = "--ssh-key", paramLabel = "FILE|KEY",
                description = "An OpenSSH public key file (.pub) or key line. Repeatable.")
        List<String> sshKeys = new ArrayList<>();

        @Option(names = "--client-cert", paramLabel = "PEM",
                description = "A client certificate (PEM) the account may log in with over HTTPS mutual TLS; "
                        + "refused (exit 1, no account made) if it has expired or another account holds it.")
        java.nio.file.Path clientCertificate;

        @Option(names = "--issue-client-cert", paramLabel = "DIR",
                description = "Issue a client certificate from the gateway's CA for HTTPS mutual TLS, write "
                        + "<DIR>/<username>.key (0600) and <DIR>/<username>.crt, and register it.")
        java.nio.file.Path issueInto;

        @Option(names = "--password-stdin",
                description = "Read a password (at least 12 characters) from standard input; refused (exit 1, "
                        + "no account made) unless the tenant allows password login.")
        boolean passwordFromStdin;

        @Option(names = "--token", description = "Issue an HTTPS API token for the account (printed once).")
        boolean token;

        Add(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            Administration admin = Actor.administration(core);
            AccountCreation accounts = admin.accountCreation();
            AccountCredentials credentials = admin.accountCredentials();
            List<String> keyLines = sshKeys.stream().map(SshKeyArgument::keyLine).toList();
            keyLines.forEach(SshPublicKey::parse);
            java.security.cert.X509Certificate certificate = clientCertificate == null ? null
                    : readCertificate(clientCertificate);
            // one transaction with the password and the certificate: a refused one (a password too short or refused
            // by the tenant; a certificate expired or another account's) leaves no account behind
            char[] password = passwordFromStdin ? readPassword() : null;
            RegisteredCertificate registered = null;
            try {
                TenantId id = TenantId.of(tenant);
                if (certificate == null) {
                    if (password == null) {
                        accounts.createAccount(id, username);
                    } else {
                        accounts.createAccount(id, username, password);
                    }
                } else {
                    registered = password == null ? accounts.createAccount(id, username, certificate)
                            : accounts.createAccount(id, username, certificate, password);
                }
            } finally {
                if (password != null) {
                    java.util.Arrays.fill(password, '\0');
                }
            }
            out.println("Created account " + username + " in tenant " + tenant);
            if (passwordFromStdin) {
                out.println("  password set");
            }
            for (String line : keyLines) {
                out.println("  added SSH key " + credentials.addSshKey(username, line).fingerprint());
            }
            if (registered != null) {
                out.println("  added client certificate " + registered.fingerprint() + notYetValid(registered));
            }
            if (issueInto != null) {
                io.vaultgate.core.pki.IssuedCertificate issued = new ClientCertificates(new DataDirectory(config()),
                        clock().host()).issue(username, issueInto);
                out.println("  issued client certificate " + credentials.addClientCertificate(username, issued.certificate())
                        .fingerprint() + " into " + issueInto.resolve(username + ".crt"));
            }
            if (token) {
                out.println("  API token (shown once): " + credentials.issueAccountToken(username, "cli"));
            }
            return 0;
        }

        /**
         * What to add to the line of a certificate registered ahead of its validity (for a rollover): when it starts
         * logging in. Empty for one valid now.
         */
        static String notYetValid(RegisteredCertificate registered) {
            return registered.state() != CertificateState.NOT_YET_VALID ? ""
                    : " (not valid yet: mutual-TLS logins with it are accepted from "
                    + registered.validity().notBefore() + ", until " + registered.validity().notAfter() + ")";
        }

        /** The first certificate of the PEM file; a DER or other non-PEM file is refused by name (PemInput). */
        static java.security.cert.X509Certificate readCertificate(java.nio.file.Path pem) {
            return PemInput.certificates("--client-cert", pem).get(0);
        }

        static char[] readPassword() {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    throw new IllegalArgumentException("--password-stdin: no password on standard input");
                }
                return line.toCharArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Command(name = "add-cert", mixinStandardHelpOptions = true,
            description = {"Register a client certificate (PEM) an existing account may log in with over HTTPS mutual "
                    + "TLS. A certificate logs in as one account: one another account holds is refused (exit 1), as is "
                    + "an expired one.",
                    "Example: vaultgate account add-cert acme-api --client-cert acme-api.crt"})
    static final class AddCertificate extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "The account.")
        String username;

        @Option(names = "--client-cert", required = true, paramLabel = "PEM", description = "The certificate (PEM).")
        java.nio.file.Path clientCertificate;

        AddCertificate(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            RegisteredCertificate registered = Actor.accountCredentials(core).addClientCertificate(username,
                    Add.readCertificate(clientCertificate));
            out.println("Added client certificate " + registered.fingerprint() + " to account " + username
                    + Add.notYetValid(registered));
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = {"Revoke a credential of a client account or operator: it stops working at once and live "
                    + "sessions that used it end on every node within 2 s. Recorded in the audit log.",
                    "Example: vaultgate account revoke acme-upload --ssh-key SHA256:abc... --reason \"laptop stolen\""})
    static final class Revoke extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "The account, operator, administrator or monitor.")
        String username;

        @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        @Option(names = "--reason", required = true, description = "Why (recorded in the audit log).")
        String reason;

        static final class Which {
            @Option(names = "--ssh-key", paramLabel = "FINGERPRINT", description = "An SSH key, SHA256:...")
            String sshKey;

            @Option(names = "--token-stdin", description = "An API token, read from standard input.")
            boolean tokenFromStdin;

            @Option(names = "--all-tokens", description = "Every API token of the login.")
            boolean allTokens;

            @Option(names = "--certificate", paramLabel = "SHA256", description = "A client certificate (hex SHA-256).")
            String certificate;

            @Option(names = "--password", description = "The account's password.")
            boolean password;
        }

        Revoke(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            io.vaultgate.core.admin.Revocation revocation = core.incidents().revocation();
            String actor = Actor.current();
            if (which.sshKey != null) {
                revocation.revokeSshKey(username, which.sshKey, reason, actor);
            } else if (which.tokenFromStdin) {
                char[] token = Add.readPassword();
                revocation.revokeToken(username, new String(token).strip(), reason, actor);
                java.util.Arrays.fill(token, '\0');
            } else if (which.allTokens) {
                revocation.revokeAllTokens(username, reason, actor);
            } else if (which.certificate != null) {
                revocation.revokeCertificate(username, which.certificate, reason, actor);
            } else {
                revocation.revokePassword(username, reason, actor);
            }
            out.println(REVOKED);
            return 0;
        }
    }

    /**
     * What a revocation from the CLI tells: the command is no gateway node and holds no sessions (the count the core
     * returns, of this process's sessions, is always 0 here), so the running gateway nodes' session check ends the
     * sessions that used the credential, each within about 2 s.
     */
    static final String REVOKED = "Revoked; the running gateway ends the sessions that used it within 2 s, on "
            + "every node";

    @Command(name = "expire", mixinStandardHelpOptions = true,
            description = {"Set when a client account expires (its logins are refused from then on), or --never.",
                    "Example: vaultgate account expire acme-upload --at 2026-12-31T23:59:59Z"})
    static final class Expire extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "The account.")
        String username;

        @Option(names = "--at", paramLabel = "INSTANT", description = "ISO-8601 UTC time, e.g. 2026-12-31T23:59:59Z.")
        String at;

        @Option(names = "--never", description = "Remove the expiry.")
        boolean never;

        Expire(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            if ((at == null) == !never) {
                throw new IllegalArgumentException("give exactly one of --at INSTANT and --never");
            }
            java.util.Optional<java.time.Instant> when;
            try {
                when = never ? java.util.Optional.empty() : java.util.Optional.of(java.time.Instant.parse(at));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("--at " + at + ": not an ISO-8601 UTC time such as "
                        + "2026-12-31T23:59:59Z");
            }
            core.incidents().expiry().set(username, when, Actor.current());
            out.println("Account " + username + " expires " + when.map(Object::toString).orElse("never"));
            return 0;
        }
    }
}
