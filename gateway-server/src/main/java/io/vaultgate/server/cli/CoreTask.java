package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.CommandClock;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.Vaultgate;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** An administration subcommand: opens the core of the configured data directory, runs, closes it. */
abstract class CoreTask implements Callable<Integer> {

    private final Map<String, String> env;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    CoreTask(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        try (CoreResources resources = CoreResources.openForCommand(config(), env, clock())) {
            return run(resources.core(), spec.commandLine().getOut());
        }
    }

    /** The loaded configuration, for commands that need the data directory's files. */
    VaultgateConfig config() {
        return global.load(env);
    }

    /** The command line's clock: the core's runs on it, and what the command judges against the host's time. */
    CommandClock clock() {
        return Vaultgate.clock(spec);
    }

    abstract int run(GatewayCore core, PrintWriter out);

    /** The tenant {@code id} names, refused before anything is printed if it does not exist. */
    static TenantId existingTenant(GatewayCore core, String id) {
        TenantId tenant = TenantId.of(id);
        if (core.administration().tenant(tenant).isEmpty()) {
            throw new IllegalArgumentException("no tenant " + id + "; see `vaultgate tenant list`");
        }
        return tenant;
    }
}
