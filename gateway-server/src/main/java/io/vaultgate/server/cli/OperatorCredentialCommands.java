package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import java.util.Map;
import picocli.CommandLine.Command;

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
    static final class AddKey extends NewCredentialCommands.AddKey {
        AddKey(Map<String, String> env) {
            super(env);
        }

        @Override
        String holder() {
            return "operator";
        }

        @Override
        String add(GatewayCore core, String username, String keyLine) {
            return Actor.sites(core).addOperatorSshKey(username, keyLine).fingerprint();
        }
    }

    @Command(name = "add-token", mixinStandardHelpOptions = true,
            description = {"Issue a new HTTPS API token for an existing operator, printed once (or written to "
                    + "--token-file). Its other tokens keep working; revoke a leaked one with `vaultgate account "
                    + "revoke USERNAME --token-stdin --reason ...`. Recorded in the audit log.",
                    "Example: vaultgate operator add-token maria --label laptop-2 --token-file maria.token"})
    static final class AddToken extends NewCredentialCommands.AddToken {
        AddToken(Map<String, String> env) {
            super(env);
        }

        @Override
        String holder() {
            return "operator";
        }

        @Override
        String issue(GatewayCore core, String username, String label) {
            return Actor.sites(core).issueOperatorToken(username, label);
        }
    }
}
