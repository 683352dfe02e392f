package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaultgate operator add-key|add-token}: a new credential for an existing operator, through the core's site
 * administration as the CLI's {@link Actor} ({@code cli:<user>} in the audit log). Operators have no password.
 */
final class OperatorCredentialCommands {

    private OperatorCredentialCommands() {
    }

    @Command(name = "add-key", mixinStandardHelpOptions = true,
            description = {"Add an SSH public key to an existing operator. Its other keys keep working; remove an old "
                    + "one with `vaultgate account revoke USERNAME --ssh-key SHA256:... --reason ...` (the same "
                    + "command revokes operators' credentials). Recorded in the audit log.",
                    "Example: vaultgate operator add-key maria --ssh-key maria-new.pub"})
    static final class AddKey extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "The operator.")
        String username;

        @Option(names = "--ssh-key", required = true, paramLabel = "FILE|KEY",
                description = "An OpenSSH public key file (.pub) or key line.")
        String sshKey;

        AddKey(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            String fingerprint = Actor.sites(core).addOperatorSshKey(username, SshKeyArgument.keyLine(sshKey))
                    .fingerprint();
            out.println("Added SSH key " + fingerprint + " to operator " + username);
            return 0;
        }
    }

    @Command(name = "add-token", mixinStandardHelpOptions = true,
            description = {"Issue a new HTTPS API token for an existing operator, printed once (or written to "
                    + "--token-file). Its other tokens keep working; revoke a leaked one with `vaultgate account "
                    + "revoke USERNAME --token-stdin --reason ...`. Recorded in the audit log.",
                    "Example: vaultgate operator add-token maria --label laptop-2 --token-file maria.token"})
    static final class AddToken extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "The operator.")
        String username;

        @Option(names = "--label", paramLabel = "LABEL", defaultValue = "cli",
                description = "A name for the token, shown by `vaultgate operator show` (default: ${DEFAULT-VALUE}).")
        String label;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "Write the token to FILE (mode 0600) instead of printing it.")
        Path tokenFile;

        AddToken(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            String token = Actor.sites(core).issueOperatorToken(username,
                    AccountCredentialCommands.validLabel(label));
            out.println("Issued an API token labelled \"" + label + "\" for operator " + username + "; "
                    + TokenFiles.handOver(token, tokenFile));
            return 0;
        }
    }
}
