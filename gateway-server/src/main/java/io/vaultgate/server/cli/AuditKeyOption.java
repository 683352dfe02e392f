package io.vaultgate.server.cli;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditPublicKey;
import io.vaultgate.server.StartupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --key} option of the offline verifiers ({@code receipt verify}, {@code tenant verify-shred}): the
 * gateway's audit public key, by default the one published beside the signing key of the configured home.
 * {@code report verify} names its option {@code --public-key} and finds its default here too ({@link #trusted(Path,
 * String, GlobalOptions, Map)}).
 */
final class AuditKeyOption {

    @Option(names = "--key", paramLabel = "PUBLIC_KEY_PEM",
            description = "The gateway's audit public key (default: <home>/keys/audit-signing.pub).")
    Path key;

    /** The key to trust: {@code --key}, else the home's published key, which must exist. */
    AuditPublicKey trusted(GlobalOptions global, Map<String, String> env) throws IOException {
        return trusted(key, "--key", global, env);
    }

    /**
     * The key to trust: {@code given}, else the home's published key, which must exist; {@code option} is the
     * command's name for the key option, for the message when there is none.
     */
    static AuditPublicKey trusted(Path given, String option, GlobalOptions global, Map<String, String> env)
            throws IOException {
        return AuditKeys.readPublicKey(given != null ? given : defaultKey(option, global, env));
    }

    private static Path defaultKey(String option, GlobalOptions global, Map<String, String> env) {
        Path file = AuditKeys.publicKeyFile(AuditCommand.signingKeyFile(global.load(env)));
        if (!Files.exists(file)) {
            throw new StartupException("audit key " + file, "not found",
                    "give the gateway's published audit public key with " + option);
        }
        return file;
    }
}
