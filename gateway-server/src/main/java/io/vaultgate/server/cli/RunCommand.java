package io.vaultgate.server.cli;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.server.CatalogDatabase;
import io.vaultgate.server.DemoCredentials;
import io.vaultgate.server.DemoSetup;
import io.vaultgate.server.LoggingSetup;
import io.vaultgate.server.StartupException;
import io.vaultgate.server.Vaultgate;
import io.vaultgate.server.VaultgateApplication;
import io.vaultgate.server.config.CatalogType;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vaultgate run}: starts the gateway and serves until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start the gateway (SFTP and HTTPS front-ends) and serve until SIGTERM or Ctrl-C.",
                "An empty data directory is initialized first (as `vaultgate init`). On SIGTERM/SIGINT new uploads "
                        + "are refused, running ones get shutdown.grace-period to finish, then the process exits; "
                        + "an unfinished upload stays a resumable partial and is never visible as a file.",
                "A data directory where `vaultgate demo` ran is refused while the demo tenant's credentials can log "
                        + "in (they were printed and are kept in <home>/demo): lock it with `vaultgate lockdown demo "
                        + "--reason TEXT`, or start with --allow-demo."})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    private final Map<String, String> env;

    @Mixin
    GlobalOptions global;

    @Option(names = "--allow-demo", description = "Start even though the demo tenant's credentials (printed by "
            + "`vaultgate demo`, kept in <home>/demo) can still log in; a warning is logged.")
    boolean allowDemo;

    @Spec
    CommandSpec spec;

    public RunCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        VaultgateConfig config = global.load(env);
        LoggingSetup.apply(config.logging());
        checkDemo(config);
        VaultgateApplication app = VaultgateApplication.start(config, env);
        serveUntilSignal(app, () -> spec.commandLine().getOut().println(readyLine(app)));
        return 0;
    }

    /**
     * Refuses to serve a data directory whose demo tenant can still be logged into (fails closed): {@code vaultgate
     * demo} printed its credentials and left them in {@code <home>/demo}, readable to whoever could read the demo's
     * terminal or the directory, and {@code run} listens on every interface by default. Checked before anything
     * listens; a home without a catalog yet has no demo.
     */
    private void checkDemo(VaultgateConfig config) {
        if (config.catalog().type() == CatalogType.SQLITE && !Files.exists(config.catalogFile())) {
            return;
        }
        List<String> live;
        try (Database database = CatalogDatabase.openExisting(config, env)) {
            live = DemoCredentials.live(database, Vaultgate.clock(spec).onCatalog(database).instant());
        }
        if (live.isEmpty()) {
            return;
        }
        String problem = "the demo's credentials can still log in: " + String.join(", ", live)
                + "; `vaultgate demo` printed them and keeps them in " + config.home().resolve("demo");
        if (allowDemo) {
            LOG.warn("{} (started with --allow-demo: anyone who has them can log in)", problem);
            return;
        }
        throw new StartupException("tenant " + DemoSetup.TENANT, problem, "for real use start from a fresh data "
                + "directory (--home), or lock the demo tenant out with `vaultgate lockdown " + DemoSetup.TENANT
                + " --reason \"demo over\"`, or serve it as it is with `vaultgate run --allow-demo`");
    }

    static String readyLine(VaultgateApplication app) {
        return "Vaultgate is ready: SFTP " + app.sftpPort().map(String::valueOf).orElse("off")
                + ", HTTPS " + app.httpsPort().map(String::valueOf).orElse("off")
                + ", data in " + app.dataDirectory().home();
    }

    /**
     * Records where the gateway listens in its run file ({@link ServingRecord}), announces readiness, then blocks until
     * the JVM is asked to stop, stops the gateway gracefully and removes the run file.
     */
    static void serveUntilSignal(VaultgateApplication app, Runnable ready) throws InterruptedException {
        Optional<ServingRecord> record = ServingRecord.write(app);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                app.close();
            } finally {
                record.ifPresent(ServingRecord::remove);
                stopped.countDown();
            }
        }, "vaultgate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ready.run();
        stopped.await();
    }
}
