package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.tenant.TenantId;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaultgate unlock TENANT}: lifts a lockdown. A tenant that is not locked changes nothing and exits 1, as
 * {@code POST /v1/admin/tenants/{tenant}/unlock} answers 409 then (docs/access-control.md).
 */
@Command(name = "unlock", mixinStandardHelpOptions = true,
        description = "Lift a tenant's lockdown: its accounts may log in again. Recorded in the audit log.")
public final class UnlockCommand extends CoreTask {

    @Parameters(paramLabel = "TENANT", description = "The locked tenant.")
    String tenant;

    @Option(names = "--reason", defaultValue = "lockdown lifted", description = "Why (recorded in the audit log).")
    String reason;

    UnlockCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    int run(GatewayCore core, PrintWriter out) {
        if (!core.incidents().lockdown().unlock(TenantId.of(tenant), reason, Actor.current())) {
            out.println("Tenant " + tenant + " was not locked; nothing was changed");
            return 1;
        }
        out.println("Unlocked tenant " + tenant);
        return 0;
    }
}
