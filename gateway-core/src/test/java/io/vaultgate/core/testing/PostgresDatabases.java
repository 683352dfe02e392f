package io.vaultgate.core.testing;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.MigratedCopies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Databases of the test cluster, each owned by the ordinary role {@value #OWNER} (no superuser, like a
 * production catalog), and each owned by a test through a marker file: a database whose marker is gone
 * (its test's temporary directory was deleted) is dropped the next time one is created, so a long run does
 * not accumulate them. New catalogs are copies of a template migrated once per JVM, which takes a few
 * milliseconds instead of running every migration again. Those copies, and the drops, are made by one background
 * thread ahead of need ({@value #SPARES} spare copies): {@code CREATE DATABASE} writes the whole template (9 MB) and
 * took 0.1-0.5 s of every PostgreSQL test's set-up, which now overlaps the previous test. A spare is an untouched
 * copy of the same template, so a test gets the same catalog as before. The same thread also opens each spare, with
 * one connection pooled: without Flyway ({@link MigratedCopies}), since the copy is byte for byte the template that
 * Flyway migrated and validated (its validation of every copy cost ~0.1 s of CPU per test, on a machine whose two
 * cores the test JVMs, PostgreSQL and S3Proxy share). A database opened again ({@link #open}: a restarted gateway, a
 * second node) is opened by {@link Database#postgresql}, Flyway and all, as in production.
 * A child JVM attached to its parent's cluster (see {@link PostgresCluster#childEnvironment()}) opens the catalogs its
 * parent created and creates none: the parent owns them and drops them.
 */
public final class PostgresDatabases {

    /** The role that owns (and migrates) the test catalogs. */
    public static final String OWNER = "vaultgate";

    private static final int POOL_SIZE = 8;
    /** Migrated copies of the template kept ready for the next tests. */
    private static final int SPARES = 2;
    private static final String TEMPLATE = "vaultgate_template";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, Path> MARKERS = new HashMap<>();
    private static String ownerPassword;
    private static boolean templateMigrated;
    /** Creates the spare copies and drops swept databases, in order, off the tests' threads. */
    private static final ExecutorService BACKGROUND = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "test-catalog-spares");
        thread.setDaemon(true);
        return thread;
    });
    private static final Deque<CompletableFuture<NewCatalog>> SPARE_COPIES = new ArrayDeque<>();

    /** A new catalog database and the catalog opened over it, as {@link #open} opens it. */
    public record NewCatalog(String name, Database database) {
    }

    private PostgresDatabases() {
    }

    /**
     * A new, migrated catalog database, dropped once {@code marker} no longer exists, and the catalog opened over it
     * as {@link #open} opens it: opened in advance, with the copy, by the background thread.
     */
    public static synchronized NewCatalog openNew(Path marker) {
        refuseInChild("a test catalog for " + marker.getParent());
        sweep();
        ensureTemplate();
        NewCatalog spare = nextCopy();
        MARKERS.put(spare.name(), marker);
        return spare;
    }

    /** Creates and migrates the template, once per JVM; nobody stays connected to it. */
    private static void ensureTemplate() {
        PostgresCluster cluster = ensureOwner();
        if (!templateMigrated) {
            cluster.execute(copyOf("template0", TEMPLATE));
            open(TEMPLATE).close();
            templateMigrated = true;
        }
    }

    /**
     * The oldest spare copy of the template, opened (waiting for it if it is still being made); then refills the
     * spares. Called under the class's lock, so the background thread is handed the password rather than asking
     * {@link #ownerPassword()} for it (which takes that lock).
     */
    private static NewCatalog nextCopy() {
        String password = ownerPassword;
        while (SPARE_COPIES.size() < SPARES + 1) {
            SPARE_COPIES.addLast(CompletableFuture.supplyAsync(() -> copyTemplate(password), BACKGROUND));
        }
        try {
            return SPARE_COPIES.removeFirst().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SpareNotOpened notOpened) {
                throw notOpened.failure; // what open() would have thrown to the test
            }
            throw new IllegalStateException("could not copy the test catalog template: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private static NewCatalog copyTemplate(String password) {
        String name = newName();
        PostgresCluster.shared().execute(copyOf(TEMPLATE, name));
        try {
            Database database = MigratedCopies.postgresql(url(name), OWNER, password.toCharArray(), POOL_SIZE);
            try {
                // its first connection (a new backend) made here, off the test's thread
                database.read(jdbc -> Boolean.TRUE);
            } catch (RuntimeException e) {
                database.close();
                throw e;
            }
            return new NewCatalog(name, database);
        } catch (RuntimeException e) {
            throw new SpareNotOpened(e);
        }
    }

    /** Carries the exception of opening a spare, rethrown as it is to the test that takes the spare. */
    private static final class SpareNotOpened extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient RuntimeException failure;

        SpareNotOpened(RuntimeException failure) {
            super(failure.getMessage(), failure);
            this.failure = failure;
        }
    }

    /** A new, empty database (no tables), owned by {@value #OWNER}; the caller drops it. */
    public static synchronized String createEmpty() {
        refuseInChild("a test database");
        String name = newName();
        ensureOwner().execute(copyOf("template0", name));
        return name;
    }

    /**
     * A new database holding the migrated catalog and nothing else, owned by {@value #OWNER}, with no connection
     * open: a copy of the template, made on the thread that makes the spares (so never beside another copy). For
     * tests of several nodes on one catalog, which open it with {@link #open} (Flyway validates it and finds
     * nothing to apply, as at a gateway's start); a test of the migrations themselves takes
     * {@link #createEmpty()}. The caller drops it.
     */
    public static synchronized String createMigrated() {
        refuseInChild("a test database");
        ensureTemplate();
        String name = newName();
        CompletableFuture.runAsync(() -> PostgresCluster.shared().execute(copyOf(TEMPLATE, name)), BACKGROUND).join();
        return name;
    }

    /**
     * The statement creating the database {@code name}, owned by {@value #OWNER}, as a copy of {@code template}: file
     * by file ({@code STRATEGY FILE_COPY}) rather than page by page through the WAL (PostgreSQL 15's default,
     * {@code WAL_LOG}), which cost the server more than twice the CPU for the same copy (0.2-0.26 s against 0.09 s for
     * the migrated template, measured on the loaded 2-core machine). The two checkpoints a file copy asks for write no
     * more than the dirty buffers of a 32 MB cache, without fsync ({@link PostgresCluster}).
     */
    private static String copyOf(String template, String name) {
        return "CREATE DATABASE " + name + " OWNER " + OWNER + " TEMPLATE " + template + " STRATEGY FILE_COPY";
    }

    public static void drop(String name) {
        PostgresCluster.shared().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** Opens a catalog database as {@value #OWNER}, migrating it if needed. */
    public static Database open(String name) {
        return Database.postgresql(url(name), OWNER, ownerPassword().toCharArray(), POOL_SIZE);
    }

    public static String url(String name) {
        return PostgresCluster.shared().url(name);
    }

    /** The password of {@value #OWNER} (random per JVM). */
    public static synchronized String ownerPassword() {
        ensureOwner();
        return ownerPassword;
    }

    private static PostgresCluster ensureOwner() {
        PostgresCluster cluster = PostgresCluster.shared();
        if (ownerPassword == null && PostgresCluster.attached()) {
            ownerPassword = System.getenv(PostgresCluster.ENV_OWNER_PASSWORD); // the parent created the role
        } else if (ownerPassword == null) {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            String password = HexFormat.of().formatHex(bytes);
            cluster.execute("CREATE ROLE " + OWNER + " LOGIN PASSWORD '" + password + "'");
            ownerPassword = password;
        }
        return cluster;
    }

    private static void refuseInChild(String what) {
        if (PostgresCluster.attached()) {
            throw new IllegalStateException("a child JVM on its parent's test cluster cannot create " + what
                    + ": the parent creates it before starting the child (ChildJvm), and drops it");
        }
    }

    private static void sweep() {
        for (Iterator<Map.Entry<String, Path>> it = MARKERS.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Path> entry = it.next();
            if (!Files.exists(entry.getValue())) {
                String name = entry.getKey();
                // nobody opens it again; a drop that fails leaves it to the cluster's deletion at exit
                BACKGROUND.execute(() -> drop(name));
                it.remove();
            }
        }
    }

    private static String newName() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return "vg_" + HexFormat.of().formatHex(bytes);
    }
}
