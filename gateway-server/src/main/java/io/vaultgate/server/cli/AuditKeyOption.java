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
 */
final class AuditKeyOption {

    @Option(names = "--key", paramLabel = "PUBLIC_KEY_PEM",
            description = "The gateway's audit public key (default: <home>/keys/audit-signing.pub).")
    Path key;

    /** The key to trust: {@code --key}, else the home's published key, which must exist. */
    AuditPublicKey trusted(GlobalOptions global, Map<String, String> env) throws IOException {
        return AuditKeys.readPublicKey(key != null ? key : defaultKey(global, env));
    }

    private static Path defaultKey(GlobalOptions global, Map<String, String> env) {
        Path file = AuditKeys.publicKeyFile(AuditCommand.signingKeyFile(global.load(env)));
        if (!Files.exists(file)) {
            throw new StartupException("audit key " + file, "not found",
                    "give the gateway's published audit public key with --key");
        }
        return file;
    }
}
