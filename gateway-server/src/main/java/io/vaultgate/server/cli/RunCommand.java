package io.vaultgate.server.cli;

import io.vaultgate.server.LoggingSetup;
import io.vaultgate.server.VaultgateApplication;
import io.vaultgate.server.config.VaultgateConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vaultgate run}: starts the gateway and serves until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start the gateway (SFTP and HTTPS front-ends) and serve until SIGTERM or Ctrl-C.",
                "An empty data directory is initialized first (as `vaultgate init`). On SIGTERM/SIGINT new uploads "
                        + "are refused, running ones get shutdown.grace-period to finish, then the process exits; "
                        + "an unfinished upload stays a resumable partial and is never visible as a file."})
public final class RunCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    public RunCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        VaultgateConfig config = global.load(env);
        LoggingSetup.apply(config.logging());
        VaultgateApplication app = VaultgateApplication.start(config, env);
        serveUntilSignal(app, () -> spec.commandLine().getOut().println(readyLine(app)));
        return 0;
    }

    static String readyLine(VaultgateApplication app) {
        return "Vaultgate is ready: SFTP " + app.sftpPort().map(String::valueOf).orElse("off")
                + ", HTTPS " + app.httpsPort().map(String::valueOf).orElse("off")
                + ", data in " + app.dataDirectory().home();
    }

    /** Announces readiness, then blocks until the JVM is asked to stop, and stops the gateway gracefully. */
    static void serveUntilSignal(VaultgateApplication app, Runnable ready) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "vaultgate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ready.run();
        stopped.await();
    }
}
