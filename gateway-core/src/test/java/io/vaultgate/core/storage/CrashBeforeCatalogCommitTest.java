package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.ingest.Recovery;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.storage.s3.S3ObjectStore;
import io.vaultgate.core.storage.s3.S3Settings;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.DelegatingObjectStore;
import io.vaultgate.core.testing.FileContents;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.S3ProxyServer;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import io.vaultgate.crypto.keystore.KdfParams;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The gateway dies after the store holds the complete object (S3: the multipart upload completed; a directory:
 * the file renamed to its committed name) but before the catalog says COMMITTED. After a restart the upload was
 * never acknowledged, so no file may be visible; recovery turns it into a resumable partial of its uploader (the
 * object is already whole, so resuming costs nothing), and the store holds nothing the catalog does not name.
 * Both stores run against the run's catalog ({@link TestCatalog}: SQLite, or PostgreSQL with
 * {@code -Dvaultgate.test.catalog=postgresql}); the crash is the store's, so it needs nothing of either database.
 * When the key provider fails at the restart, recovery defers the upload, and the same start's sweep must keep its
 * object (on a directory, still under its committed name) for the retry.
 */
class CrashBeforeCatalogCommitTest {

    private static final VirtualPath REPORT = PathPolicy.parse("/inbox/report.bin");
    private static final GatewayCore.Settings SETTINGS = new GatewayCore.Settings(Duration.ofHours(24), 64);
    private static final Pattern ACME_OBJECT = Pattern.compile("acme/[0-9a-f]{32}");

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.now());
    private final byte[] data = new byte[7 * 1024 * 1024 + 99];

    {
        new Random(5).nextBytes(data);
    }

    /** A store a restarted gateway opens again, and what it holds of tenant acme, as {@code acme/<object id>}. */
    private interface Backend extends AutoCloseable {
        ObjectStore open() throws IOException;

        List<String> objects() throws IOException;

        @Override
        void close();
    }

    static List<String> stores() {
        return List.of("s3", "filesystem");
    }

    private Backend backend(String kind) throws IOException {
        return kind.equals("s3") ? new S3Bucket() : new Directory(home.resolve("objects"));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void crashAfterTheObjectIsStored_leavesNoVisibleFile_andTheUploadResumesToTheSameBytes(String kind)
            throws Exception {
        try (Backend backend = backend(kind)) {
            crashAfterTheObjectIsStored(backend);
        }
    }

    /**
     * The key provider fails at the restart (a token not reachable yet): recovery defers the upload, and the same
     * start's sweep keeps its object; once the provider is back, the retry makes it a partial that resumes to the same
     * bytes (crash-consistency audit M2: on a directory the sweep deleted the object under its committed name, and the
     * retry discarded the upload as "its stored object is gone").
     */
    @ParameterizedTest
    @MethodSource("stores")
    void crashAfterTheObjectIsStored_thenADeferredRecovery_keepsTheObjectForTheRetry(String kind) throws Exception {
        try (Backend backend = backend(kind)) {
            ClientPrincipal alice = crashAfterTheStoreCommit(backend);
            AtomicBoolean keysDown = new AtomicBoolean(true);
            try (Node restarted = Node.start(home, backend.open(), false, keysDown, clock)) {
                Recovery.Report report = restarted.core.recovery().run();

                assertThat(report.resumable()).isZero();
                assertThat(restarted.core.recovery().deferredCount()).as("deferred, to be tried again").isEqualTo(1);
                assertThat(backend.objects()).as("the sweep keeps a deferred upload's object").hasSize(1);

                keysDown.set(false);
                clock.advance(Duration.ofMinutes(1)); // the first retry's back-off (DeferredUploads.FIRST_RETRY)
                assertThat(restarted.core.recovery().retryDeferred()).isEqualTo(1);
                assertThat(restarted.core.files().stat(alice, REPORT).partial()).isTrue();
                try (Upload resumed = restarted.core.ingest().open(alice, REPORT, UploadMode.RESUME)) {
                    assertThat(resumed.resumeOffset()).isEqualTo(data.length);
                    resumed.commit();
                }
                assertThat(FileContents.readAll(restarted.core, alice, REPORT)).isEqualTo(data);
            }
        }
    }

    private void crashAfterTheObjectIsStored(Backend backend) throws Exception {
        ClientPrincipal alice = crashAfterTheStoreCommit(backend);

        try (Node restarted = Node.start(home, backend.open(), false, null, clock)) {
            Recovery.Report report = restarted.core.recovery().run();

            assertThat(report.resumable()).isEqualTo(1);
            FileEntry entry = restarted.core.files().stat(alice, REPORT);
            assertThat(entry.partial()).isTrue();
            assertThatThrownBy(() -> restarted.core.files().open(alice, REPORT)).isInstanceOf(GatewayException.class);
            List<String> rows = restarted.database.read(jdbc -> jdbc.query("SELECT object_id FROM files",
                    rs -> rs.getString(1)));
            assertThat(backend.objects()).containsExactlyElementsOf(rows.stream().map(id -> "acme/" + id).toList());

            try (Upload resumed = restarted.core.ingest().open(alice, REPORT, UploadMode.RESUME)) {
                assertThat(resumed.resumeOffset()).isEqualTo(data.length);
                resumed.commit();
            }
            assertThat(FileContents.readAll(restarted.core, alice, REPORT)).isEqualTo(data);
        }
    }

    /** An upload of {@link #data} whose node dies right after the store's commit; returns its uploader. */
    private ClientPrincipal crashAfterTheStoreCommit(Backend backend) throws Exception {
        ClientPrincipal alice;
        try (Node first = Node.start(home, new CrashAfterStoreCommit(backend.open()), true, null, clock)) {
            first.core.administration().createTenant(TenantId.of("acme"), "Acme", false);
            Account account = first.core.administration().createAccount(TenantId.of("acme"), "alice");
            alice = new ClientPrincipal(account.id(), "alice", account.tenant(), Protocol.HTTPS);
            Upload upload = first.core.ingest().open(alice, REPORT, UploadMode.CREATE);
            for (int at = 0; at < data.length; at += 65_536) {
                upload.write(at, ByteBuffer.wrap(data, at, Math.min(65_536, data.length - at)));
            }
            assertThatThrownBy(upload::commit).isInstanceOf(SimulatedCrash.class);
        }
        assertThat(backend.objects()).as("the object reached the store").hasSize(1);
        return alice;
    }

    /** A bucket of the JVM's S3Proxy, with parts of the S3 minimum size. */
    private static final class S3Bucket implements Backend {
        private final S3ProxyServer server = S3ProxyServer.shared();
        private final String bucket = server.newBucket();
        private final S3Client client = server.client();
        private final List<S3ObjectStore> opened = new ArrayList<>();

        @Override
        public ObjectStore open() {
            S3ObjectStore store = new S3ObjectStore(server.client(),
                    new S3Settings(bucket, "", 5L * 1024 * 1024, 1024 * 1024, Duration.ofHours(1)), Clock.systemUTC());
            opened.add(store);
            return store;
        }

        @Override
        public List<String> objects() {
            return client.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key)
                    .filter(key -> ACME_OBJECT.matcher(key).matches()).toList();
        }

        @Override
        public void close() {
            opened.forEach(S3ObjectStore::close);
            client.close();
        }
    }

    /** A directory store: its committed and pending objects both count. */
    private record Directory(Path root) implements Backend {
        @Override
        public ObjectStore open() throws IOException {
            return new FileSystemObjectStore(root);
        }

        @Override
        public List<String> objects() throws IOException {
            try (Stream<Path> files = Files.walk(root.resolve("acme"))) {
                return files.filter(Files::isRegularFile).map(file -> "acme/" + file.getFileName())
                        .filter(key -> ACME_OBJECT.matcher(key).matches()).toList();
            }
        }

        @Override
        public void close() {
            // the test's directory goes with it
        }
    }

    /** The process dying right after the store made the object durable. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;
    }

    private static final class CrashAfterStoreCommit extends DelegatingObjectStore {
        CrashAfterStoreCommit(ObjectStore store) {
            super(store);
        }

        @Override
        public void commit(TenantId tenant, PendingObject object) throws IOException {
            super.commit(tenant, object);
            throw new SimulatedCrash();
        }
    }

    /**
     * One gateway process's core: catalog, keys and the given store over a shared home; its key provider fails to
     * unwrap while {@code keysDown} is set (when not null), as an HSM token not reachable yet.
     */
    private record Node(Database database, KeystoreKeyProvider keys, GatewayCore core) implements AutoCloseable {
        static Node start(Path home, ObjectStore store, boolean create, AtomicBoolean keysDown, Clock clock)
                throws IOException {
            MasterSecret secret = MasterSecret.fromBytes("test master secret, not for production"
                    .getBytes(StandardCharsets.UTF_8));
            KeystoreKeyProvider keys = create
                    ? KeystoreKeyProvider.create(home.resolve("kek.p12"), secret, new KdfParams(1024, 1, 1))
                    : KeystoreKeyProvider.open(home.resolve("kek.p12"), secret);
            KeyProvider provider = keysDown == null ? keys : new DelegatingKeyProvider(keys) {
                @Override
                public DataKey unwrap(EnvelopeContext ctx, KeySlot slot) {
                    if (keysDown.get()) {
                        throw new CryptoException.ProviderUnavailable("token not reachable (simulated)");
                    }
                    return super.unwrap(ctx, slot);
                }
            };
            Database database = TestCatalog.open(home);
            SecureRandom random = new SecureRandom();
            GatewayCore core = GatewayCore.assemble(database, store, provider,
                    AuditKeys.loadOrCreate(home.resolve("audit-signing.key"), random), SETTINGS, random, clock);
            return new Node(database, keys, core);
        }

        @Override
        public void close() {
            database.close();
            keys.close();
        }
    }
}
