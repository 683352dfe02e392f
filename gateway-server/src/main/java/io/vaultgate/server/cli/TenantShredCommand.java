package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.TenantShredding;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vaultgate tenant shred TENANT --reason TEXT --confirm TENANT [--record FILE]}: offboards a tenant. */
@Command(name = "shred", mixinStandardHelpOptions = true, description = {
        "Offboard a tenant for good by crypto-shredding it: it is locked down and marked SHREDDED (its sessions "
                + "end; logins, uploads, downloads and claims are refused; it can never be unlocked), every KEK "
                + "version of it is destroyed, and the catalog forgets its files, directories, pending forwards and "
                + "credentials; its objects are deleted. The tenant and account rows and the audit log stay.",
        "Prints the shredding record signed with the gateway's audit key (or writes it to --record); check it "
                + "with `vaultgate tenant verify-shred`. Running the command again finishes a shred that was cut off.",
        "Example: vaultgate tenant shred acme --reason \"contract ended, ticket 4711\" --confirm acme "
                + "--record acme.shred"})
final class TenantShredCommand extends CoreTask {

    @Parameters(paramLabel = "TENANT", description = "The tenant to shred.")
    String tenant;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded in the audit log).")
    String reason;

    @Option(names = "--confirm", required = true, paramLabel = "TENANT",
            description = "The tenant id once more: nothing happens unless it matches.")
    String confirm;

    @Option(names = "--record", paramLabel = "FILE", description = "Write the signed record here instead of stdout.")
    Path record;

    TenantShredCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!tenant.equals(confirm)) {
            err.println("vaultgate: --confirm " + confirm + " does not repeat the tenant id " + tenant
                    + "; nothing was changed. Shredding cannot be undone: give --confirm " + tenant);
            return ExitCodes.CONFIG;
        }
        Path directory = record == null ? null : record.toAbsolutePath().getParent();
        if (directory != null && !Files.isDirectory(directory)) {
            err.println("vaultgate: --record " + record + ": directory " + directory
                    + " does not exist; nothing was changed");
            return ExitCodes.CONFIG;
        }
        return super.call();
    }

    @Override
    int run(GatewayCore core, PrintWriter out) {
        TenantId id = existingTenant(core, tenant);
        TenantShredding.Result result = core.tenantShredding().shred(id, reason, Actor.current());
        core.audit().checkpointNow(); // the shred's audit events are signed at once, not at the next checkpoint
        String text = result.record().toText();
        String summary = "Shredded tenant " + id + ": KEKs destroyed: " + (result.record().record().keyIds().isEmpty()
                ? "none left" : String.join(",", result.record().record().keyIds())) + "; " + result.filesForgotten()
                + " files forgotten; its live sessions end on every running gateway node within 2 s; record "
                + result.digest();
        if (record == null) {
            out.print(text);
            out.flush();
            spec.commandLine().getErr().println(summary);
        } else {
            try {
                Files.writeString(record, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("the tenant is shredded, but its record was not written to " + record
                        + " (" + e.getMessage() + "); its digest " + result.digest() + " is in the audit log, and "
                        + "running the command again signs a new record", e);
            }
            out.println(summary);
            out.println("Record written to " + record);
        }
        return ExitCodes.OK;
    }
}
