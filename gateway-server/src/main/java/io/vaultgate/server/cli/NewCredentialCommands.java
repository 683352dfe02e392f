package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The bodies of {@code add-key} and {@code add-token}, for accounts ({@link AccountCredentialCommands}) and operators
 * ({@link OperatorCredentialCommands}) alike: the options, their checks and what is printed; each subclass names
 * its holder and the core's call, made as the CLI's {@link Actor}.
 */
final class NewCredentialCommands {

    private NewCredentialCommands() {
    }

    /** A token's label as the catalog holds it: 1-100 printable characters. */
    static String validLabel(String label) {
        if (label.isBlank() || label.length() > 100 || label.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("--label: give 1-100 printable characters, e.g. --label replacement");
        }
        return label;
    }

    /** {@code add-key USERNAME --ssh-key FILE|KEY}. */
    abstract static class AddKey extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "Who gets the key.")
        String username;

        @Option(names = "--ssh-key", required = true, paramLabel = "FILE|KEY",
                description = "An OpenSSH public key file (.pub) or key line.")
        String sshKey;

        AddKey(Map<String, String> env) {
            super(env);
        }

        /** {@code account} or {@code operator}. */
        abstract String holder();

        /** Adds {@code keyLine} to {@code username}; returns its fingerprint. */
        abstract String add(GatewayCore core, String username, String keyLine);

        @Override
        final int run(GatewayCore core, PrintWriter out) {
            String fingerprint = add(core, username, SshKeyArgument.keyLine(sshKey));
            out.println("Added SSH key " + fingerprint + " to " + holder() + " " + username);
            return 0;
        }
    }

    /** {@code add-token USERNAME [--label L] [--token-file FILE]}. */
    abstract static class AddToken extends CoreTask {
        @Parameters(paramLabel = "USERNAME", description = "Who gets the token.")
        String username;

        @Option(names = "--label", paramLabel = "LABEL", defaultValue = "cli",
                description = "A name for the token, shown by `vaultgate account show` or `operator show` "
                        + "(default: ${DEFAULT-VALUE}).")
        String label;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "Write the token to FILE (mode 0600) instead of printing it.")
        Path tokenFile;

        AddToken(Map<String, String> env) {
            super(env);
        }

        /** {@code account} or {@code operator}. */
        abstract String holder();

        /** Issues a token labelled {@code label} to {@code username}; returns it. */
        abstract String issue(GatewayCore core, String username, String label);

        @Override
        final int run(GatewayCore core, PrintWriter out) {
            String token = issue(core, username, validLabel(label));
            out.println("Issued an API token labelled \"" + label + "\" for " + holder() + " " + username + "; "
                    + TokenFiles.handOver(token, tokenFile));
            return 0;
        }
    }
}
