package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.server.StartupException;
import io.vaultgate.server.backup.BackupManifest;
import io.vaultgate.server.backup.DataDirectoryBackup;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vaultgate backup create|verify}: online backups of an embedded deployment. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up the data directory of an embedded deployment while it runs, and check backups.",
        subcommands = {BackupCommand.Create.class, BackupCommand.Verify.class})
public final class BackupCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = {
            "Copy the data directory into a new directory while the gateway runs: a consistent copy of the SQLite "
                    + "catalog first, then the keystore, keys, certificates and encrypted objects, then a manifest "
                    + "(sha256sum format) signed with the audit key. Recorded in the audit log.",
            "The master secret is left out unless --include-master-secret: keep it apart from the backup. Credentials "
                    + "handed to people and clients are always left out: everything else in secrets/ (the admin "
                    + "token, the catalog password), and the demo client's private key and API token.",
            "Restore: stop the gateway, copy the backup into an empty data directory, put the master secret back, "
                    + "start (docs/operations.md, \"Backup and restore\"); a new admin token file: vaultgate admin "
                    + "rotate-token admin --reason TEXT --token-file <home>/secrets/admin.token."})
    static final class Create extends CoreTask {
        @Option(names = "--to", required = true, paramLabel = "DIR",
                description = "A new or empty directory outside the data directory.")
        Path target;

        @Option(names = "--include-master-secret",
                description = "Also copy the master secret file (the backup then decrypts without it).")
        boolean includeMasterSecret;

        Create(Map<String, String> env) {
            super(env);
        }

        @Override
        public Integer call() {
            new DataDirectoryBackup(config()).checkSupported();
            return super.call();
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            VaultgateConfig config = config();
            try {
                DataDirectoryBackup.Result result = new DataDirectoryBackup(config).write(target, includeMasterSecret,
                        core.catalogBackup(), AuditKeys.load(AuditCommand.signingKeyFile(config)), Actor.current());
                out.println("Backed up " + result.files() + " files (" + result.bytes() + " bytes) to " + target
                        + "; check it with `vaultgate backup verify " + target + "`"
                        + (result.masterSecretIncluded() ? "; it INCLUDES the master secret: store it accordingly"
                        : "; the master secret is not in it: keep a copy of it apart"));
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException("the backup to " + target + " failed: " + e.getMessage()
                        + "; delete the directory and run again", e);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = {
            "Check a backup offline: every file against the signed manifest, nothing missing or added. Exit code 0 "
                    + "if intact, 1 if not (each problem is printed)."})
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The backup directory, as `backup create` wrote it.")
        Path backup;

        @Option(names = "--key", paramLabel = "PUBLIC_KEY_PEM", description = "The gateway's audit public key "
                + "(default: the one inside the backup, which proves integrity but not who wrote it).")
        Path key;

        /** Accepted like every subcommand's, though verifying needs no data directory. */
        @Mixin
        GlobalOptions global;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Path publicKey = key != null ? key : backup.resolve("keys").resolve("audit-signing.pub");
            if (!publicKey.toFile().isFile()) {
                throw new StartupException("audit key " + publicKey, "not found", "give it with --key");
            }
            List<String> problems = BackupManifest.problems(backup.toAbsolutePath().normalize(),
                    AuditKeys.readPublicKey(publicKey));
            PrintWriter out = spec.commandLine().getOut();
            problems.forEach(problem -> spec.commandLine().getErr().println(problem));
            out.println(problems.isEmpty() ? "Backup " + backup + " is intact"
                    + (key == null ? " (checked with the audit key inside it; give --key to check who wrote it)" : "")
                    : "Backup " + backup + " is NOT intact: " + problems.size() + " problems");
            return problems.isEmpty() ? 0 : 1;
        }
    }
}
