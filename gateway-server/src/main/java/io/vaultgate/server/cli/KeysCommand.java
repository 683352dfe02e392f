package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.KeyRotation;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.KekId;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vaultgate keys rotate|rewrap|disable}: tenant key-encryption keys. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Rotate tenant encryption keys.",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.Rewrap.class, KeysCommand.Disable.class})
public final class KeysCommand {

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Create a tenant's next key-encryption key version; new files use it at once.",
                    "With --rewrap, every stored data key is re-wrapped to it now (payloads are not touched).",
                    "With --emergency (a key is suspected compromised), rotates and re-wraps every key slot now, "
                            + "checks that none is left under an older version, and audits it as an emergency; "
                            + "exit code 1 if some slot could not be moved."})
    static final class Rotate extends CoreTask {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT",
                description = "The tenant whose key-encryption key gets a new version.")
        String tenant;

        @Option(names = "--rewrap", description = "Also move every file's key slot to the new version now.")
        boolean rewrap;

        @Option(names = "--emergency", description = "Rotate and re-wrap every key slot now, audited as an emergency.")
        boolean emergency;

        Rotate(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            if (emergency) {
                KeyRotation.EmergencyResult result;
                try (Progress progress = Progress.onTerminal("re-wrap " + tenant, spec.commandLine().getErr())) {
                    result = Actor.keys(core).emergencyRotate(TenantId.of(tenant), progress);
                }
                out.println("Emergency rotation of tenant " + tenant + ": new files use " + result.active() + "; re-wrapped "
                        + result.rewrapped() + " key slots; " + result.remaining() + " left under older versions");
                return result.remaining() == 0 ? 0 : 1;
            }
            KeyRotation.Result result = Actor.keys(core).rotate(TenantId.of(tenant), rewrap);
            out.println("Tenant " + tenant + " now encrypts new files under " + result.active()
                    + (rewrap ? "; re-wrapped " + result.rewrapped() + " key slots" : ""));
            return 0;
        }
    }

    @Command(name = "rewrap", mixinStandardHelpOptions = true,
            description = "Move every key slot of a tenant to its active key version (safe to run again).")
    static final class Rewrap extends CoreTask {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT",
                description = "The tenant whose key slots move to its active KEK version.")
        String tenant;

        Rewrap(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            TenantId id = existingTenant(core, tenant);
            int rewrapped;
            try (Progress progress = Progress.onTerminal("re-wrap " + tenant, spec.commandLine().getErr())) {
                rewrapped = Actor.keys(core).rewrap(id, progress);
            }
            out.println("Re-wrapped " + rewrapped + " key slots of " + tenant);
            return 0;
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = {"Retire an old key-encryption key version of a tenant: it can no longer unwrap.",
                    "Refused while any key slot still uses it (run `keys rewrap` first) and for the active version.",
                    "The catalog records it first (every node refuses it from then on), then this node's keystore; "
                            + "if cut off between the two, the node's next start, or this command run again, "
                            + "finishes the keystore."})
    static final class Disable extends CoreTask {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT",
                description = "The tenant that holds the KEK version.")
        String tenant;

        @Option(names = "--kek-version", required = true, description = "The KEK version to disable (1, 2, ...).")
        int version;

        Disable(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            KekId disabled = Actor.keys(core).disable(TenantId.of(tenant), version);
            out.println("Disabled " + disabled + "; it can no longer unwrap");
            return 0;
        }
    }
}
