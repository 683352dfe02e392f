package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import java.io.PrintWriter;
import java.nio.file.Path;
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

    /** A token's label as the catalog holds it: 1-100 printable characters. */
    static String validLabel(String label) {
        if (label.isBlank() || label.length() > 100 || label.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("--label: give 1-100 printable characters, e.g. --label replacement");
        }
        return label;
    }

    @Command(name = "add-key", mixinStandardHelpOptions = true,
            description = {"Add an SSH public key to an existing account (a second key during a rollover, a new "
                    + "laptop). The account's other keys keep working; remove an old one with `vaultgate account "
                    + "revoke USERNAME --ssh-key SHA256:... --reason ...`. Recorded in the audit log.",
                    "Example: vaultgate account add-key acme-upload --ssh-key new_key.pub"})
    static final class AddKey extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "The account.")
        String username;

        @Option(names = "--ssh-key", required = true, paramLabel = "FILE|KEY",
                description = "An OpenSSH public key file (.pub) or key line.")
        String sshKey;

        AddKey(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            String fingerprint = Actor.administration(core).addSshKey(username, SshKeyArgument.keyLine(sshKey))
                    .fingerprint();
            out.println("Added SSH key " + fingerprint + " to account " + username);
            return 0;
        }
    }

    @Command(name = "add-token", mixinStandardHelpOptions = true,
            description = {"Issue a new HTTPS API token for an existing account, printed once (or written to "
                    + "--token-file). Its other tokens keep working; revoke a leaked one with `vaultgate account "
                    + "revoke USERNAME --token-stdin --reason ...`. Recorded in the audit log.",
                    "Example: vaultgate account add-token acme-upload --label replacement --token-file acme.token"})
    static final class AddToken extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "The account.")
        String username;

        @Option(names = "--label", paramLabel = "LABEL", defaultValue = "cli",
                description = "A name for the token, shown by `vaultgate account show` (default: ${DEFAULT-VALUE}).")
        String label;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "Write the token to FILE (mode 0600) instead of printing it.")
        Path tokenFile;

        AddToken(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            String token = Actor.administration(core).issueAccountToken(username, validLabel(label));
            out.println("Issued an API token labelled \"" + label + "\" for account " + username + "; "
                    + TokenFiles.handOver(token, tokenFile));
            return 0;
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
                Actor.administration(core).setPassword(username, password);
            } finally {
                Arrays.fill(password, '\0');
            }
            out.println("Password set for account " + username);
            return 0;
        }
    }
}
