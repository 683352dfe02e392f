package io.vaultgate.core.testing;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.audit.AuditExporter;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.ExportFilter;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.keystore.KdfParams;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A real core over a temporary directory: SQLite catalog (or PostgreSQL, see {@link TestCatalog}),
 * filesystem object store (or S3, see {@link TestStore}), keystore key provider (with light key-stretching
 * parameters so tests stay fast). For tests of the core and of the front-ends; nothing in it is mocked.
 */
public final class TestCore implements AutoCloseable {

    private final Path home;
    private final Path keystore;
    private final KeyProvider keys;
    private final Database database;
    private final ObjectStore store;
    private final GatewayCore core;

    private TestCore(Path home, Path keystore, KeyProvider keys, Database database, ObjectStore store,
                     GatewayCore core) {
        this.home = home;
        this.keystore = keystore;
        this.keys = keys;
        this.database = database;
        this.store = store;
        this.core = core;
    }

    public static TestCore create(Path home) {
        return create(home, new GatewayCore.Settings(Duration.ofHours(24), 64));
    }

    public static TestCore create(Path home, GatewayCore.Settings settings) {
        return create(home, settings, Clock.systemUTC());
    }

    /** A core whose time is {@code clock}, e.g. a {@link MutableClock}. */
    public static TestCore create(Path home, GatewayCore.Settings settings, Clock clock) {
        return create(home, settings, clock, CoreMetrics.inMemory(clock));
    }

    /** A core reporting its meters to {@code metrics}, e.g. over a registry a test scrapes. */
    public static TestCore create(Path home, CoreMetrics metrics) {
        return create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), Clock.systemUTC(), metrics);
    }

    /** A core with {@code settings} reporting its meters to {@code metrics}. */
    public static TestCore create(Path home, GatewayCore.Settings settings, CoreMetrics metrics) {
        return create(home, settings, Clock.systemUTC(), metrics);
    }

    private static TestCore create(Path home, GatewayCore.Settings settings, Clock clock, CoreMetrics metrics) {
        try {
            MasterSecret secret = secret();
            KeystoreKeyProvider keys = KeystoreKeyProvider.create(home.resolve("kek.p12"), secret,
                    new KdfParams(1024, 1, 1));
            return open(home, keys, settings, clock, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A second node over {@code home}'s catalog (a pool of its own), object store, audit key and keystore file, whose
     * key provider is {@code keys} around the keystore's: a hook or a fault on one node only. {@code settings} name
     * the node.
     */
    public static TestCore sharing(Path home, UnaryOperator<KeyProvider> keys, GatewayCore.Settings settings) {
        try {
            Path keystore = home.resolve("kek.p12");
            return open(home, keystore, keys.apply(KeystoreKeyProvider.open(keystore, secret())),
                    TestCatalog.open(home), settings, Clock.systemUTC(), CoreMetrics.inMemory(Clock.systemUTC()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens the core of {@code home}, creating it on first use. */
    public static TestCore openOrCreate(Path home, GatewayCore.Settings settings) {
        return java.nio.file.Files.exists(home.resolve("kek.p12")) ? reopen(home, settings) : create(home, settings);
    }

    /** Reopens a core over an existing home, as a restarted gateway would. */
    public static TestCore reopen(Path home, GatewayCore.Settings settings) {
        return reopen(home, settings, Clock.systemUTC());
    }

    /** As {@link #reopen(Path, GatewayCore.Settings)}, on a node whose time is {@code clock}. */
    public static TestCore reopen(Path home, GatewayCore.Settings settings, Clock clock) {
        try {
            MasterSecret secret = secret();
            return open(home, KeystoreKeyProvider.open(home.resolve("kek.p12"), secret), settings, clock,
                    CoreMetrics.inMemory(clock));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A core of {@code home} (creating its keystore on first use) over a catalog the test opened itself: one of
     * several nodes' own pools on one PostgreSQL database, or an older catalog the test migrated. The core closes
     * it.
     */
    public static TestCore over(Path home, Database database) {
        return over(home, database, home.resolve("kek.p12"));
    }

    /**
     * As {@link #over(Path, Database)}, with the keystore at {@code file} instead of in {@code home}: a node of a
     * scale-out sharing the catalog and the object store of {@code home}, with a keystore copy of its own.
     */
    public static TestCore over(Path home, Database database, Path file) {
        try {
            MasterSecret secret = secret();
            KeystoreKeyProvider keys = java.nio.file.Files.exists(file) ? KeystoreKeyProvider.open(file, secret)
                    : KeystoreKeyProvider.create(file, secret, new KdfParams(1024, 1, 1));
            return open(home, file, keys, database, new GatewayCore.Settings(Duration.ofHours(24), 64),
                    Clock.systemUTC(), CoreMetrics.inMemory(Clock.systemUTC()));
        } catch (IOException e) {
            database.close();
            throw new UncheckedIOException(e);
        }
    }

    private static TestCore open(Path home, KeyProvider keys, GatewayCore.Settings settings, Clock clock,
                                 CoreMetrics metrics) throws IOException {
        return open(home, home.resolve("kek.p12"), keys, TestCatalog.open(home), settings, clock, metrics);
    }

    private static TestCore open(Path home, Path keystore, KeyProvider keys, Database database,
                                 GatewayCore.Settings settings, Clock clock, CoreMetrics metrics) throws IOException {
        SecureRandom random = new SecureRandom();
        ObjectStore store = TestStore.open(home, clock);
        GatewayCore core = GatewayCore.assemble(database, store, keys,
                AuditKeys.loadOrCreate(home.resolve("audit-signing.key"), random), settings, random, clock,
                metrics);
        return new TestCore(home, keystore, keys, database, store, core);
    }

    private static MasterSecret secret() {
        return MasterSecret.fromBytes("test master secret, not for production".getBytes());
    }

    public GatewayCore core() {
        return core;
    }

    /** The key provider, to assemble a second core over other resources in the same test. */
    public KeyProvider keys() {
        return keys;
    }

    public Path home() {
        return home;
    }

    /**
     * A second node of this core's scale-out: the same catalog (its own pool) and object store, and its own copy of
     * this node's keystore ({@code home/node-b/kek.p12}), as nodes of the {@code keystore} provider have them.
     */
    public TestCore secondNode() {
        try {
            Path copy = java.nio.file.Files.createDirectory(home.resolve("node-b")).resolve("kek.p12");
            java.nio.file.Files.copy(keystore, copy, StandardCopyOption.COPY_ATTRIBUTES);
            return over(home, TestCatalog.open(home), copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What an operator does to bring another node's keystore up to this one's: a copy beside it, renamed over it. */
    public void copyKeystoreTo(TestCore other) throws IOException {
        Path copy = other.keystore.resolveSibling("kek.p12.new");
        java.nio.file.Files.copy(keystore, copy, StandardCopyOption.COPY_ATTRIBUTES);
        java.nio.file.Files.move(copy, other.keystore, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** The object store this core runs on (a directory, or S3 with {@link TestStore}). */
    public ObjectStore store() {
        return store;
    }

    /** The catalog this core runs on, to look behind its back in a test. */
    public Database database() {
        return database;
    }

    /** {@code tenant}'s audit records as {@code vaultgate audit export --tenant} writes them (JSON lines). */
    public String auditOf(TenantId tenant) {
        StringWriter out = new StringWriter();
        try {
            new AuditExporter(database, Clock.systemUTC()).export(new ExportFilter(Instant.EPOCH,
                    Instant.parse("2100-01-01T00:00:00Z"), Optional.of(tenant), Optional.empty()), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Creates a tenant (idempotently) and a client account in it; returns the account's principal. */
    public ClientPrincipal client(String tenant, String username, Protocol protocol) {
        TenantId id = TenantId.of(tenant);
        if (core.administration().tenant(id).isEmpty()) {
            core.administration().createTenant(id, tenant + " Ltd", false);
        }
        Account account = core.administration().createAccount(id, username);
        return new ClientPrincipal(account.id(), username, id, protocol);
    }

    /** Uploads {@code content} (UTF-8) to {@code path} as {@code principal} and commits it. */
    public void upload(Principal principal, String path, String content) {
        try (Upload upload = core.ingest().open(principal, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            upload.commit();
        }
    }

    /** The whole content of the file at {@code path}, read as {@code principal}, as UTF-8 text. */
    public String read(Principal principal, String path) throws IOException {
        try (FileContent content = core.files().open(principal, PathPolicy.parse(path))) {
            ByteBuffer buffer = ByteBuffer.allocate((int) content.size());
            while (buffer.hasRemaining() && content.read(buffer.position(), buffer) >= 0) {
                // read all
            }
            return new String(buffer.array(), StandardCharsets.UTF_8);
        }
    }

    /** Creates a site (idempotently) and an operator of it; returns the operator's principal. */
    public OperatorPrincipal operator(String site, String username, Protocol protocol) {
        if (!core.sites().siteExists(site)) {
            core.sites().createSite(site, site + " processing site");
        }
        return core.sites().createOperator(site, username).principal(protocol);
    }

    @Override
    public void close() {
        core.close();
        database.close();
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the test store failed", e);
            }
        }
        keys.close();
    }
}
