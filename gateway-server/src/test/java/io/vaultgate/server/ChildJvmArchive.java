package io.vaultgate.server;

import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A class-data-sharing archive (AppCDS) for the child JVMs that the integration tests start from
 * {@code target/vaultgate.jar} ({@code GatewayProcess}, {@code GatewayCli}, {@code GatewayRun}): the classes a gateway
 * loads to serve, parsed and verified once and then mapped by every child, instead of read from the 57 MB jar,
 * parsed and verified again in each of the module's ~45 child JVMs. It saved about 2 of a {@code run} child's 6-7.5
 * CPU-seconds to readiness and 0.7 of a CLI command's 3.5 (JDK 17, SerialGC, C1).
 *
 * <p>The archive is made once per jar (its name holds the jar's size and time stamp and the JDK's version, so a
 * rebuilt jar or another JDK gets a new one and never a stale one) by a training run in the background: {@code
 * vaultgate run} on a seeded throw-away home with {@code -XX:ArchiveClassesAtExit}, stopped with SIGTERM once ready
 * (the JVM writes the archive as it exits). The first test JVM to want it makes it, under a file lock, and children
 * started meanwhile (in either test JVM) start without it. A child given the archive starts as before if the JVM
 * cannot use it: {@code -Xshare:auto}, the default, with the {@code cds} log off so that no warning about it can reach
 * the output a test reads. The child's code, its configuration and everything it does are the same either way.
 *
 * <p>{@code -Dvaultgate.test.child-cds=false} starts every child without it.
 */
public final class ChildJvmArchive {

    /** The jar the children run. */
    public static final Path JAR = Path.of("target", "vaultgate.jar").toAbsolutePath();

    private static final Path DIR = Path.of("target", "child-cds").toAbsolutePath();
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private ChildJvmArchive() {
    }

    /**
     * The JVM options that give a child the archive, to put before {@code -jar}: none while it is not made yet (and
     * then it is started being made, in the background), or when turned off.
     */
    public static List<String> options() {
        if (!enabled()) {
            return List.of();
        }
        Path archive = archive();
        if (archive == null) {
            return List.of();
        }
        if (Files.isRegularFile(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off");
        }
        prepareInBackground();
        return List.of();
    }

    /** Starts making the archive in the background unless it exists, is being made or the jar is not built. */
    public static void prepareInBackground() {
        if (!enabled() || archive() == null || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                make();
            } catch (IOException | RuntimeException e) {
                System.err.println("ChildJvmArchive: no archive, children start without one: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "child-jvm-archive");
        thread.setDaemon(true);
        thread.start();
    }

    private static boolean enabled() {
        return !"false".equals(System.getProperty("vaultgate.test.child-cds"));
    }

    /** The archive of the jar as it is now, or null if there is no jar. */
    private static Path archive() {
        try {
            long size = Files.size(JAR);
            long modified = Files.getLastModifiedTime(JAR).toMillis();
            return DIR.resolve("vaultgate-" + System.getProperty("java.version") + "-" + size + "-" + modified
                    + ".jsa");
        } catch (IOException noJar) {
            return null;
        }
    }

    private static void make() throws IOException, InterruptedException {
        Files.createDirectories(DIR);
        try (FileChannel lockFile = FileChannel.open(DIR.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            Path archive = archive();
            if (lock == null || archive == null || Files.exists(archive)) {
                return; // another test JVM is making it, or made it
            }
            Path work = Files.createTempDirectory("vaultgate-child-cds-");
            try {
                train(work, archive);
            } finally {
                deleteTree(work);
            }
        }
    }

    /** {@code vaultgate run} on a seeded home with {@code -XX:ArchiveClassesAtExit}, stopped once ready. */
    private static void train(Path work, Path archive) throws IOException, InterruptedException {
        Path home = work.resolve("home");
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString()));
        TestKeystore.seed(config);
        new Initializer().initialize(config, Map.of());
        Path partial = DIR.resolve(archive.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
        Path log = DIR.resolve("training.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:ArchiveClassesAtExit=" + partial, "-jar", JAR.toString(), "run", "--home", home.toString()));
        for (String setting : List.of("sftp.bind=127.0.0.1", "sftp.port=0", "https.bind=127.0.0.1", "https.port=0",
                "ops.bind=127.0.0.1", "ops.port=0")) {
            command.addAll(List.of("--set", setting));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (!Files.readString(log, StandardCharsets.UTF_8).contains("Vaultgate is ready")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the training run did not become ready; see " + log);
                }
                Thread.sleep(200);
            }
            process.destroy(); // SIGTERM: the JVM writes the archive as it exits
            if (!process.waitFor(240, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the training run did not stop; see " + log);
            }
            if (Files.isRegularFile(partial) && Files.size(partial) > 0) {
                Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(partial);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
