package io.vaultgate.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PostgreSQL cluster for tests: {@code initdb} into a temporary directory, the server started
 * as a child process on a random free loopback port with its unix socket inside that directory (never the
 * system service), one per JVM, shared by every test class, and stopped by its PID and deleted when the JVM
 * exits. Durability is off ({@code fsync=off}): a crash of the machine loses the cluster, not a test.
 *
 * <p>The cluster's directory is on tmpfs ({@code /dev/shm}) when that has room ({@value #TMPFS_MIN_FREE_MIB} MiB
 * free), else in {@code java.io.tmpdir}. Every PostgreSQL test creates a database and drops it, about 450
 * files each way (one per relation fork of the catalog schema), and on the ext4 of the 2-core test machine (no
 * journal) creating a file skips over every inode deleted in the last ~35 s, each looked up in the inode table:
 * {@code CREATE DATABASE} took 0.25-0.7 s of system CPU in the test cluster, most of PostgreSQL's CPU in the PostgreSQL
 * run, against ~0.01 s on tmpfs. The directory of a cluster whose JVM was killed before its shutdown hook ran is
 * swept (its server stopped) by the next cluster started, so a killed run does not keep the memory.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: then {@code initdb} and the server run as the
 * unprivileged user {@code nobody} (through {@code setpriv}), in a directory handed to that user. As any
 * other user they run as that user.
 *
 * <p>The superuser {@value #SUPERUSER} has a random password and TCP connections need it (scram-sha-256),
 * so tests of password handling are real. The binaries are found through {@code $VAULTGATE_PG_BIN}, else
 * next to {@code initdb} on the {@code PATH}, else in the newest {@code /usr/lib/postgresql/N/bin}.
 *
 * <p>A child JVM of a test (a gateway the test kills and restarts, see {@link ChildJvm}) does not start a cluster
 * of its own: its {@link #shared()} attaches to its parent's, whose port and passwords the parent hands it in the
 * environment ({@link #childEnvironment()}; never on the command line, which other users can read). An attached
 * cluster is never stopped by the child: it is the parent's, and a child killed with SIGKILL could not stop it.
 */
public final class PostgresCluster {

    public static final String SUPERUSER = "postgres";

    /** The environment variables through which a child JVM attaches to its parent's cluster. */
    static final String ENV_PORT = "VAULTGATE_TEST_PG_PORT";
    static final String ENV_PASSWORD = "VAULTGATE_TEST_PG_PASSWORD";
    static final String ENV_OWNER_PASSWORD = "VAULTGATE_TEST_PG_OWNER_PASSWORD";

    /** The least free space on {@code /dev/shm} for the cluster to go there (a run's cluster holds ~50-100 MB). */
    static final long TMPFS_MIN_FREE_MIB = 1024;
    private static final String DIRECTORY_PREFIX = "vaultgate-pg";
    /** In the cluster's directory: the PID and start time of the JVM that owns it. */
    private static final String OWNER_FILE = "owner";

    private static final Object LOCK = new Object();
    private static PostgresCluster instance;

    private final Path dir;
    private final int port;
    private final String password;
    private final Process server;

    private PostgresCluster(Path dir, int port, String password, Process server) {
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.server = server;
    }

    /**
     * The cluster of this JVM, started on first use; in a child JVM started with {@link #childEnvironment()}, its
     * parent's.
     */
    public static PostgresCluster shared() {
        synchronized (LOCK) {
            if (instance == null) {
                if (attached()) {
                    instance = new PostgresCluster(null, Integer.parseInt(System.getenv(ENV_PORT)),
                            System.getenv(ENV_PASSWORD), null);
                } else {
                    instance = start();
                    PostgresCluster started = instance;
                    Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "postgres-test-cluster-stop"));
                }
            }
            return instance;
        }
    }

    /** True in a child JVM that uses its parent's cluster (see {@link #childEnvironment()}). */
    static boolean attached() {
        return System.getenv(ENV_PORT) != null;
    }

    /**
     * The environment a child JVM needs to attach to this JVM's cluster and open catalogs as
     * {@value PostgresDatabases#OWNER}: the port and both passwords (random per run, for this cluster only).
     */
    public static Map<String, String> childEnvironment() {
        PostgresCluster cluster = shared();
        return Map.of(ENV_PORT, String.valueOf(cluster.port), ENV_PASSWORD, cluster.password,
                ENV_OWNER_PASSWORD, PostgresDatabases.ownerPassword());
    }

    public int port() {
        return port;
    }

    /** The superuser's password (the fixture's own, random per JVM). */
    public String password() {
        return password;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE}. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A superuser connection to {@code database}, for set-up and for looking behind a test's back. */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("password", password);
        return DriverManager.getConnection(url(database), properties);
    }

    /** Runs statements as the superuser on the maintenance database (CREATE DATABASE, CREATE ROLE...). */
    public void execute(String... statements) {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("test cluster statement failed: " + e.getMessage(), e);
        }
    }

    private static PostgresCluster start() {
        Path bin = PostgresBinaries.locate();
        try {
            Path parent = parentDirectory();
            sweepAbandoned(parent);
            Path dir = Files.createTempDirectory(parent, DIRECTORY_PREFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(dir.resolve(OWNER_FILE), ownerStamp(ProcessHandle.current()), StandardCharsets.US_ASCII);
            RunAs runAs = RunAs.current();
            runAs.handOver(dir);
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            String password = HexFormat.of().formatHex(secret);
            initdb(bin, dir, runAs, password);
            Path sockets = Files.createDirectory(dir.resolve("sockets"));
            runAs.handOver(sockets);
            IOException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort();
                Process server = runAs.command(bin.resolve("postgres").toString(), "-D", dir.resolve("data").toString(),
                                "-p", String.valueOf(port), "-k", sockets.toString(),
                                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                                "-c", "full_page_writes=off", "-c", "max_connections=300",
                                "-c", "shared_buffers=32MB")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
                PostgresCluster cluster = new PostgresCluster(dir, port, password, server);
                try {
                    cluster.awaitReady();
                    return cluster;
                } catch (IOException e) {
                    cluster.stopServer();
                    last = e;
                }
            }
            throw new UncheckedIOException("the test PostgreSQL server did not start; see " + dir.resolve("server.log"),
                    last);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code /dev/shm} if it is a tmpfs with {@value #TMPFS_MIN_FREE_MIB} MiB free, else {@code java.io.tmpdir}. */
    private static Path parentDirectory() {
        Path tmpfs = Path.of("/dev/shm");
        try {
            if (Files.isDirectory(tmpfs) && Files.isWritable(tmpfs)) {
                FileStore store = Files.getFileStore(tmpfs);
                if ("tmpfs".equals(store.type()) && store.getUsableSpace() >= TMPFS_MIN_FREE_MIB * 1024 * 1024) {
                    return tmpfs;
                }
            }
        } catch (IOException e) {
            // no usable tmpfs: the temporary directory, as everywhere else
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** What {@value #OWNER_FILE} holds: the JVM's PID and start time, so that a reused PID is not taken for it. */
    private static String ownerStamp(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /**
     * Stops the server of, and deletes, every cluster directory under {@code parent} whose JVM is gone (killed before
     * its shutdown hook ran). A directory without an owner file (one being created, or of an older build) is left.
     */
    private static void sweepAbandoned(Path parent) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, DIRECTORY_PREFIX + "*")) {
            for (Path dir : dirs) {
                try {
                    String[] owner = Files.readString(dir.resolve(OWNER_FILE), StandardCharsets.US_ASCII).strip()
                            .split(" ");
                    boolean alive = ProcessHandle.of(Long.parseLong(owner[0]))
                            .filter(ProcessHandle::isAlive)
                            .map(process -> ownerStamp(process).equals(String.join(" ", owner)))
                            .orElse(false);
                    if (!alive) {
                        stopAbandonedServer(dir.resolve("data"));
                        TestFiles.deleteTree(dir);
                    }
                } catch (IOException | RuntimeException e) {
                    // not ours to read (another user's), or no owner file: left alone
                }
            }
        } catch (IOException e) {
            // nothing to sweep
        }
    }

    /** Stops the server still running on {@code data} (its PID from {@code postmaster.pid}, checked by its command). */
    private static void stopAbandonedServer(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).strip());
        Optional<ProcessHandle> server = ProcessHandle.of(pid).filter(process -> process.info().commandLine()
                .map(command -> command.contains(data.toString())).orElse(false));
        if (server.isPresent()) {
            server.get().destroy(); // SIGTERM: its clients died with their JVM
            try {
                server.get().onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                server.get().destroyForcibly();
            }
        }
    }

    private static void initdb(Path bin, Path dir, RunAs runAs, String password) throws IOException {
        Path passwordFile = dir.resolve("superuser.pw");
        Files.writeString(passwordFile, password, StandardCharsets.US_ASCII);
        runAs.handOver(passwordFile);
        Path log = dir.resolve("initdb.log");
        List<String> command = new ArrayList<>(List.of(bin.resolve("initdb").toString(),
                "-D", dir.resolve("data").toString(), "-U", SUPERUSER, "--pwfile=" + passwordFile,
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync",
                "--no-instructions"));
        Process initdb = runAs.command(command.toArray(String[]::new)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!initdb.waitFor(120, TimeUnit.SECONDS) || initdb.exitValue() != 0) {
                initdb.destroyForcibly();
                throw new IOException("initdb failed: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running initdb", e);
        } finally {
            Files.deleteIfExists(passwordFile);
        }
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("the test PostgreSQL server exited: " + Files.readString(dir.resolve("server.log")));
            }
            try (Connection ignored = connect("postgres")) {
                return;
            } catch (SQLException notYet) {
                sleep(100);
            }
        }
        throw new IOException("the test PostgreSQL server did not accept connections within 60 s");
    }

    /** Fast shutdown by PID (SIGINT: ends sessions, no waiting for clients), then the directory goes. */
    private void stop() {
        stopServer();
        TestFiles.deleteTree(dir);
    }

    private void stopServer() {
        try {
            new ProcessBuilder("kill", "-INT", String.valueOf(server.pid())).inheritIO().start()
                    .waitFor(10, TimeUnit.SECONDS);
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            server.destroyForcibly();
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
