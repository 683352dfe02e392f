package io.vaultgate.server.cli;

import io.vaultgate.server.Initializer;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.server.tls.TlsNames;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vaultgate init}: prepares a data directory; safe to run again (creates only what is missing). */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create the data directory: master secret, tenant keystore, SSH host keys (Ed25519, "
                + "RSA-3072), a private CA with the HTTPS server certificate, the catalog and, while the catalog has "
                + "no administrator, the administrator 'admin'.",
                "The server certificate names localhost, this host's name, 127.0.0.1 and ::1, and every --tls-name: "
                        + "give the DNS names and addresses clients connect by (gw.example.com), or clients that "
                        + "check the name fail. Later: `vaultgate tls show`, `tls issue --name NAME`, `tls import`.",
                "Existing files are never overwritten. The administrator's API token is printed once and kept in "
                        + "<home>/secrets/admin.token (mode 0600)."})
public final class InitCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Option(names = "--tls-name", paramLabel = "NAME", description = {"A DNS name (gw.example.com, *.example.com) or "
            + "IP address the HTTPS server certificate also names. Repeatable."})
    List<String> tlsNames = new ArrayList<>();

    public InitCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Optional<TlsNames> names = tlsNames.isEmpty() ? Optional.empty()
                : Optional.of(TlsCommand.names(spec, "--tls-name", tlsNames));
        VaultgateConfig config = global.load(env);
        Initializer.Report report = new Initializer().initialize(config, env, names);
        PrintWriter out = spec.commandLine().getOut();
        if (report.created().isEmpty()) {
            out.println("Data directory " + config.home() + " is already initialized; nothing to do.");
        } else {
            out.println("Initialized " + config.home() + ":");
            report.created().forEach(item -> out.println("  created " + item));
        }
        report.notes().forEach(note -> out.println("Note: " + note));
        report.adminToken().ifPresent(token -> out.println("Administrator API token (shown once): " + token));
        return 0;
    }
}
