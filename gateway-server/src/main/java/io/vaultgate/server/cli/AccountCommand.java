package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.DataDirectory;
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

/** {@code vaultgate account add}. */
@Command(name = "account", mixinStandardHelpOptions = true, description = "Manage client accounts.",
        subcommands = {AccountCommand.Add.class})
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
                description = "A client certificate (PEM) the account may log in with over HTTPS mutual TLS.")
        java.nio.file.Path clientCertificate;

        @Option(names = "--issue-client-cert", paramLabel = "DIR",
                description = "Issue a client certificate from the gateway's CA for HTTPS mutual TLS, write "
                        + "<DIR>/<username>.key (0600) and <DIR>/<username>.crt, and register it.")
        java.nio.file.Path issueInto;

        @Option(names = "--password-stdin",
                description = "Read a password (at least 12 characters) from standard input; the tenant must "
                        + "allow password login for it to be usable.")
        boolean passwordFromStdin;

        @Option(names = "--token", description = "Issue an HTTPS API token for the account (printed once).")
        boolean token;

        Add(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            Administration admin = core.administration();
            List<String> keyLines = sshKeys.stream().map(SshKeyArgument::keyLine).toList();
            keyLines.forEach(SshPublicKey::parse);
            admin.createAccount(TenantId.of(tenant), username);
            out.println("Created account " + username + " in tenant " + tenant);
            for (String line : keyLines) {
                out.println("  added SSH key " + admin.addSshKey(username, line).fingerprint());
            }
            if (clientCertificate != null) {
                out.println("  added client certificate " + admin.addClientCertificate(username, certificate()));
            }
            if (issueInto != null) {
                io.vaultgate.core.pki.IssuedCertificate issued = new ClientCertificates(new DataDirectory(config()))
                        .issue(username, issueInto);
                out.println("  issued client certificate " + admin.addClientCertificate(username, issued.certificate())
                        + " into " + issueInto.resolve(username + ".crt"));
            }
            if (passwordFromStdin) {
                admin.setPassword(username, readPassword());
                out.println("  password set");
            }
            if (token) {
                out.println("  API token (shown once): " + admin.issueAccountToken(username, "cli"));
            }
            return 0;
        }

        private java.security.cert.X509Certificate certificate() {
            try {
                return io.vaultgate.core.pki.Pem.readCertificates(clientCertificate).get(0);
            } catch (IOException e) {
                throw new IllegalArgumentException("--client-cert " + clientCertificate + ": " + e.getMessage());
            }
        }

        private static char[] readPassword() {
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
}
