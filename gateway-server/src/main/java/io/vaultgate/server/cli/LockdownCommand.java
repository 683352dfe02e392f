package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.tenant.TenantId;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vaultgate lockdown TENANT --reason TEXT}: incident response on a tenant. */
@Command(name = "lockdown", mixinStandardHelpOptions = true,
        description = {"Lock a tenant down: refuse its logins, end its live SFTP and HTTPS sessions on every node "
                + "within 2 s, pause its forwarding and batch claims. Recorded in the audit log with who and why.",
                "Example: vaultgate lockdown acme --reason \"suspected credential leak, ticket 4711\"",
                "Undo with `vaultgate unlock TENANT --reason TEXT`."})
public final class LockdownCommand extends CoreTask {

    @Parameters(paramLabel = "TENANT", description = "The tenant to lock down.")
    String tenant;

    @Option(names = "--reason", required = true, description = "Why (recorded in the audit log).")
    String reason;

    LockdownCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    int run(GatewayCore core, PrintWriter out) {
        core.incidents().lockdown().lockdown(TenantId.of(tenant), reason, Actor.current());
        out.println("Locked down tenant " + tenant + ": new logins are refused; live sessions on every running node "
                + "end within 2 s");
        return 0;
    }
}
