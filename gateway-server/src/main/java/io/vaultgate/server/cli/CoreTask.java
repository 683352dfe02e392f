package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.server.CoreResources;
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
        try (CoreResources resources = CoreResources.open(global.load(env), env)) {
            return run(resources.core(), spec.commandLine().getOut());
        }
    }

    abstract int run(GatewayCore core, PrintWriter out);
}
