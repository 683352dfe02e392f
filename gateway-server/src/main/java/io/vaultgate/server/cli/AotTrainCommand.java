package io.vaultgate.server.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.DemoSetup;
import io.vaultgate.server.ExitCodes;
import io.vaultgate.server.LoggingSetup;
import io.vaultgate.server.VaultgateApplication;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vaultgate aot-train}: the training run of JDK 25's AOT cache (JEP 483, 514, 515). Started by the launcher
 * ({@code ./vaultgate aot-train}) in a JVM given {@code -XX:AOTCacheOutput=FILE}, it runs the gateway with the
 * demo's set-up in a throwaway data directory, on free loopback ports and with the built-in defaults (no
 * configuration file, no environment), drives {@link AotWorkload} through the real front-ends, stops the gateway
 * and deletes the directory; the JVM then writes the cache as it exits: the classes loaded and linked and the
 * profiles of the methods run, which {@code run}, {@code demo} and {@code receive} on the same JDK and jar start
 * with (docs/jvm.md). Nothing of a real data directory is read, so the cache holds nothing of it.
 */
@Command(name = "aot-train", mixinStandardHelpOptions = true,
        description = {"Training run for JDK 25's AOT cache: start the gateway in a throwaway data directory on "
                + "loopback, upload and download small files over SFTP and HTTPS, stop, and delete the directory; "
                + "the JVM writes the cache as it exits. Use `./vaultgate aot-train`: it runs this on the newest JDK "
                + "with -XX:AOTCacheOutput and puts the cache where `run`, `demo` and `receive` find it "
                + "(docs/jvm.md).",
                "Needs JDK 25 or later; on an older JDK it does nothing and exits with 2."})
public final class AotTrainCommand implements Callable<Integer> {

    /** The first JDK with {@code -XX:AOTCacheOutput} and method profiles in the cache. */
    static final int FIRST_RELEASE = 25;

    @Option(names = "--uploads", paramLabel = "N", defaultValue = "600",
            description = "SFTP uploads of 64 KiB, in sessions of 100; a tenth as many go over HTTPS "
                    + "(default: ${DEFAULT-VALUE}).")
    int uploads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (uploads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--uploads must be at least 1");
        }
        if (Runtime.version().feature() < FIRST_RELEASE) {
            err.println("vaultgate: aot-train: AOT caches need JDK " + FIRST_RELEASE + " or later (JEP 483, 514, "
                    + "515); this JVM is " + Runtime.version() + ". Run it on a JDK " + FIRST_RELEASE + " (set "
                    + "JAVA_HOME, or install one under /usr/lib/jvm for ./vaultgate to find); nothing was done.");
            return ExitCodes.CONFIG;
        }
        if (!recording()) {
            err.println("vaultgate: aot-train: this JVM records no AOT cache, so training would be lost: run "
                    + "`./vaultgate aot-train`, which passes -XX:AOTCacheOutput=FILE, or give that option to java; "
                    + "nothing was done.");
            return ExitCodes.CONFIG;
        }
        Path home = Files.createTempDirectory("vaultgate-aot-train-");
        long started = System.nanoTime();
        AotWorkload.Done done;
        try {
            done = train(home, uploads, AotWorkload.UPLOADS_PER_SESSION);
        } finally {
            deleteTree(home);
        }
        out.println("aot-train: " + done.sftpUploads() + " SFTP uploads in " + done.sftpSessions()
                + (done.sftpSessions() == 1 ? " session, " : " sessions, ") + done.sftpDownloads()
                + " SFTP downloads, " + done.httpsUploads() + " HTTPS uploads and "
                + done.httpsDownloads() + " downloads in " + (System.nanoTime() - started) / 1_000_000_000 + " s; "
                + "the training data directory is deleted; the JVM now writes the AOT cache");
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * Starts the gateway on {@code home} (empty, or seeded by a test) with the demo's set-up, its listeners on free
     * loopback ports, runs the workload ({@code uploads} SFTP uploads in sessions of {@code perSession}) and stops
     * the gateway.
     */
    static AotWorkload.Done train(Path home, int uploads, int perSession) throws Exception {
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), DemoCommand.DEFAULTS,
                Map.of("home", home.toString(), "sftp.port", "0", "https.port", "0", "ops.port", "0"));
        LoggingSetup.apply(config.logging());
        VaultgateApplication app = VaultgateApplication.start(config, Map.of());
        DemoSite site = null;
        try {
            DataDirectory data = app.dataDirectory();
            DemoSetup.Credentials credentials = new DemoSetup().ensure(app.core().administration(),
                    app.core().sites(), data);
            site = DemoSite.start(app.core(), data); // uploads to /inbox are forwarded to it, as in the demo
            return new AotWorkload(data, credentials).run(app.sftpPort().orElseThrow(),
                    app.httpsPort().orElseThrow(), uploads, perSession);
        } finally {
            app.close(); // first, as the demo does: the forwarder stops before the site it pushes to
            if (site != null) {
                site.close();
            }
        }
    }

    /** Whether this JVM writes an AOT cache or configuration as it exits (one-step or two-step workflow). */
    static boolean recording() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return !vm.getVMOption("AOTCacheOutput").getValue().isEmpty()
                    || "record".equals(vm.getVMOption("AOTMode").getValue());
        } catch (IllegalArgumentException noSuchOption) {
            return false;
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the training data directory " + root + ": "
                    + e.getMessage(), e);
        }
    }
}
