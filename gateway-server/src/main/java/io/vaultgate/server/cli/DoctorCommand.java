package io.vaultgate.server.cli;

import io.vaultgate.https.tls.ServerTls;
import io.vaultgate.server.cli.doctor.DiskSpace;
import io.vaultgate.server.cli.doctor.Doctor;
import io.vaultgate.server.cli.doctor.DoctorContext;
import io.vaultgate.server.cli.doctor.Finding;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.sftp.SftpAlgorithms;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vaultgate doctor}: audits the configuration and the data directory's state and prints one line per
 * finding. Exit code 0 with none, 1 with findings. Reads the catalog, the public audit key and the names of the
 * keystore's entries only (no master secret), so it can run from cron or a monitoring agent as the gateway's user.
 * With {@code keys.provider: pkcs11} it also logs in to the token with the configured PIN, as the gateway does.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = {
        "Audit configuration and state: weak algorithms, certificates expiring within 30 days, accounts' client "
                + "certificates expiring within 30 days or expired (still registered), keys overdue for rotation "
                + "(keys.max-kek-age), this node's keystore copy (keys/kek.p12) behind the catalog's KEK "
                + "versions (a rotation, disable or shred made on another node), with keys.provider pkcs11 a token "
                + "that cannot be logged in to or lacks KEK versions the catalog records, key files readable by others, data directories open to group or "
                + "others, the ops listener on a public address without TLS, password login without an IP allowlist, "
                + "the demo tenant's credentials still able to log in, an unverifiable audit chain, a nearly full "
                + "disk, this host's clock more than 5 s off the catalog's.",
        "Exit code 0 if nothing was found, 1 if something was."})
public final class DoctorCommand extends AuditCommand.StoreTask {

    @Option(names = "--min-free", paramLabel = "PERCENT", defaultValue = "10",
            description = "Report a file system with less free space than this (default: 10).")
    int minFreePercent;

    private final Map<String, String> env;

    DoctorCommand(Map<String, String> env) {
        super(env, AuditCommand.CATALOG);
        this.env = env;
    }

    @Override
    int run(AuditCommand.Store store, PrintWriter out, PrintWriter err) {
        VaultgateConfig config = global.load(env);
        SftpAlgorithms ssh = SftpAlgorithms.hardened();
        List<String> sshAlgorithms = Stream.of(ssh.keyExchanges(), ssh.ciphers(), ssh.macs(), ssh.signatures())
                .flatMap(List::stream).toList();
        DoctorContext context = new DoctorContext(config, store.database(), clock(store), DiskSpace.SYSTEM,
                minFreePercent, sshAlgorithms, ServerTls.PROTOCOLS, ServerTls.CIPHER_SUITES);
        List<Finding> findings = Doctor.examine(context, env);
        if (findings.isEmpty()) {
            out.println("vaultgate doctor: no findings");
            return 0;
        }
        findings.forEach(finding -> out.println(finding.line()));
        out.println("vaultgate doctor: " + findings.size() + " finding" + (findings.size() == 1 ? "" : "s"));
        return 1;
    }
}
