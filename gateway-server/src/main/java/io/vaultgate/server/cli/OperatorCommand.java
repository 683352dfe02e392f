package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vaultgate operator add}: people and systems of BPO sites. */
@Command(name = "operator", mixinStandardHelpOptions = true, description = "Manage operators of BPO sites.",
        subcommands = {OperatorCommand.Add.class})
public final class OperatorCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Create an operator of a site. Operators see the batches of tenants routed to their site, "
                    + "once claimed, and return results into the tenant's outbox.",
                    "Example: vaultgate operator add maria --site manila --ssh-key maria.pub --token"})
    static final class Add extends CoreTask {
        @Parameters(paramLabel = "USERNAME")
        String username;

        @Option(names = "--site", required = true)
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
            core.sites().createOperator(site, username);
            out.println("Created operator " + username + " of site " + site);
            for (String line : keyLines) {
                out.println("  added SSH key " + core.sites().addOperatorSshKey(username, line).fingerprint());
            }
            if (token) {
                out.println("  API token (shown once): " + core.sites().issueOperatorToken(username, "cli"));
            }
            return 0;
        }
    }
}
