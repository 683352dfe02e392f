package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaultgate account add-key|add-token|set-password}: a new credential for an existing client account (a key
 * rollover, a token after a leak, a changed password), through the core's administration as the CLI's
 * {@link Actor}, so the audit log records {@code cli:<user>} as the admin API records {@code admin:<name>}.
 */
final class AccountCredentialCommands {

    private AccountCredentialCommands() {
    }

    @Command(name = "add-key", mixinStandardHelpOptions = true,
            description = {"Add an SSH public key to an existing account (a second key during a rollover, a new "
                    + "laptop). The account's other keys keep working; remove an old one with `vaultgate account "
                    + "revoke USERNAME --ssh-key SHA256:... --reason ...`. Recorded in the audit log.",
                    "Example: vaultgate account add-key acme-upload --ssh-key new_key.pub"})
    static final class AddKey extends NewCredentialCommands.AddKey {
        AddKey(Map<String, String> env) {
            super(env);
        }

        @Override
        String holder() {
            return "account";
        }

        @Override
        String add(GatewayCore core, String username, String keyLine) {
            return Actor.accountCredentials(core).addSshKey(username, keyLine).fingerprint();
        }
    }

    @Command(name = "add-token", mixinStandardHelpOptions = true,
            description = {"Issue a new HTTPS API token for an existing account, printed once (or written to "
                    + "--token-file). Its other tokens keep working; revoke a leaked one with `vaultgate account "
                    + "revoke USERNAME --token-stdin --reason ...`. Recorded in the audit log.",
                    "Example: vaultgate account add-token acme-upload --label replacement --token-file acme.token"})
    static final class AddToken extends NewCredentialCommands.AddToken {
        AddToken(Map<String, String> env) {
            super(env);
        }

        @Override
        String holder() {
            return "account";
        }

        @Override
        String issue(GatewayCore core, String username, String label) {
            return Actor.accountCredentials(core).issueAccountToken(username, label);
        }
    }

    @Command(name = "set-password", mixinStandardHelpOptions = true,
            description = {"Set or replace an account's password (at least 12 characters), read from standard input. "
                    + "Refused when the account's tenant does not allow password login. Sessions opened with the old "
                    + "password stay open; end them with `vaultgate account revoke USERNAME --password` first. "
                    + "Recorded in the audit log (never the password).",
                    "Example: vaultgate account set-password acme-pw --password-stdin < new-password.txt"})
    static final class SetPassword extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "The account.")
        String username;

        @Option(names = "--password-stdin", required = true,
                description = "Read the password from the first line of standard input (required: a password is "
                        + "never taken from the command line).")
        boolean passwordFromStdin;

        SetPassword(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            char[] password = AccountCommand.Add.readPassword();
            try {
                Actor.accountCredentials(core).setPassword(username, password);
            } finally {
                Arrays.fill(password, '\0');
            }
            out.println("Password set for account " + username);
            return 0;
        }
    }
}
