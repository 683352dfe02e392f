package io.vaultgate.server.cli;

import io.vaultgate.server.Initializer;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vaultgate init}: prepares a data directory; safe to run again (creates only what is missing). */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create the data directory: master secret, tenant keystore, SSH host keys (Ed25519, "
                + "RSA-3072), a private CA with the HTTPS server certificate, the catalog and, while the catalog has "
                + "no administrator, the administrator 'admin'.",
                "Existing files are never overwritten. The administrator's API token is printed once and kept in "
                        + "<home>/secrets/admin.token (mode 0600)."})
public final class InitCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    public InitCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        VaultgateConfig config = global.load(env);
        Initializer.Report report = new Initializer().initialize(config, env);
        PrintWriter out = spec.commandLine().getOut();
        if (report.created().isEmpty()) {
            out.println("Data directory " + config.home() + " is already initialized; nothing to do.");
        } else {
            out.println("Initialized " + config.home() + ":");
            report.created().forEach(item -> out.println("  created " + item));
        }
        report.adminToken().ifPresent(token -> out.println("Administrator API token (shown once): " + token));
        return 0;
    }
}
