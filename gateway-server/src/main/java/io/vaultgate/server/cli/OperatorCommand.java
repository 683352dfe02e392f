package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.Offboarding;
import io.vaultgate.core.admin.SiteAdministration;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaultgate operator add|add-key|add-token|show|list|remove}: people and systems of BPO sites; the credentials
 * of an existing operator are added by {@link OperatorCredentialCommands}, shown by {@link CredentialReviewCommands}.
 */
@Command(name = "operator", mixinStandardHelpOptions = true,
        description = "Manage operators of BPO sites and their credentials.",
        subcommands = {OperatorCommand.Add.class, OperatorCredentialCommands.AddKey.class,
                OperatorCredentialCommands.AddToken.class, CredentialReviewCommands.ShowOperator.class,
                OperatorCommand.ListOperators.class, OperatorCommand.Remove.class})
public final class OperatorCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Create an operator of a site. Operators see the batches of tenants routed to their site, "
                    + "once claimed, and return results into the tenant's outbox.",
                    "Example: vaultgate operator add maria --site manila --ssh-key maria.pub --token"})
    static final class Add extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "Login name: 2-64 of a-z, 0-9, '.', '_' and '-'.")
        String username;

        @Option(names = "--site", required = true, description = "The site the operator works for.")
        String site;

        @Option(names = "--ssh-key", paramLabel = "FILE|KEY", description = "OpenSSH public key. Repeatable.")
        List<String> sshKeys = new ArrayList<>();

        @Option(names = "--token", description = "Issue an HTTPS API token (printed once).")
        boolean token;

        Add(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            List<String> keyLines = sshKeys.stream().map(SshKeyArgument::keyLine).toList();
            keyLines.forEach(io.vaultgate.core.auth.SshPublicKey::parse);
            SiteAdministration sites = Actor.sites(core);
            sites.createOperator(site, username);
            out.println("Created operator " + username + " of site " + site);
            for (String line : keyLines) {
                out.println("  added SSH key " + sites.addOperatorSshKey(username, line).fingerprint());
            }
            if (token) {
                out.println("  API token (shown once): " + sites.issueOperatorToken(username, "cli"));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the operators of a site, or of all.")
    static final class ListOperators extends CoreTask {
        @Option(names = "--site", description = "Only this site's operators.")
        String site;

        ListOperators(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            for (OperatorRow operator : core.incidents().offboarding().operators(Optional.ofNullable(site))) {
                out.println(operator.username() + "  site=" + operator.siteId());
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Offboard an operator: its SSH keys, API tokens and TOTP secret stop working at once, its "
                    + "live sessions end on every node within 2 s, the batches it holds go back to its site for "
                    + "others to claim. The username is never reused. Recorded in the audit log.",
                    "Example: vaultgate operator remove maria --reason \"left the company\""})
    static final class Remove extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "The operator.")
        String username;

        @Option(names = "--reason", required = true, description = "Why (recorded in the audit log).")
        String reason;

        Remove(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            Offboarding.RemovedOperator removed = core.incidents().offboarding().removeOperator(username, reason,
                    Actor.current());
            out.println("Removed operator " + removed.username() + " of site " + removed.siteId() + ": "
                    + removed.credentialsRevoked() + " credential(s) revoked, " + removed.batchesReleased().size()
                    + " batch(es) back to the site" + (removed.batchesReleased().isEmpty() ? ""
                    : " (" + String.join(", ", removed.batchesReleased()) + ")")
                    + "; live sessions end on every node within 2 s");
            return 0;
        }
    }
}
