package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.storage.FileSystemObjectStore;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object store on a 4 MiB tmpfs: an upload that fills the disk fails with a clear "storage full"
 * error, leaves no file and no object behind, the catalog stays consistent and the gateway keeps serving.
 * Needs root to mount the tmpfs (CI runs as root). The catalog is the run's (SQLite, or PostgreSQL with
 * {@code -Dvaultgate.test.catalog=postgresql}), and again on PostgreSQL as {@link DiskFullPostgresqlIT}; the store is
 * always the tmpfs directory.
 */
class DiskFullIT {

    @TempDir
    Path home;
    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void fillingTheStore_failsTheUploadCleanly_andLaterUploadsSucceed() throws Exception {
        mount = Files.createDirectory(home.resolve("objects"));
        Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        assumeTrue(mounting.waitFor() == 0, "mounting a tmpfs needs root: "
                + new String(mounting.getInputStream().readAllBytes()));

        try (TestCore test = TestCore.create(home); Database catalog = TestCatalog.open(home);
             GatewayCore core = coreWithStoreOn(test, catalog, mount)) {
            ClientPrincipal alice = test.client("acme", "alice", Protocol.HTTPS);

            try (Upload upload = core.ingest().open(alice, PathPolicy.parse("/inbox/huge.bin"), UploadMode.CREATE)) {
                assertThatThrownBy(() -> {
                    byte[] chunk = new byte[256 * 1024];
                    new Random(1).nextBytes(chunk);
                    for (long offset = 0; offset < 16L << 20; offset += chunk.length) {
                        upload.write(offset, ByteBuffer.wrap(chunk));
                    }
                    upload.commit();
                }).isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.STORAGE_FULL);
                    assertThat(e.clientMessage()).contains("storage is full").doesNotContain(mount.toString());
                });
            }
            assertThat(core.files().list(alice, PathPolicy.parse("/inbox"))).isEmpty();
            assertThat(storedFiles()).as("the failed upload left no object").isZero();

            byte[] small = new byte[100_000];
            try (Upload upload = core.ingest().open(alice, PathPolicy.parse("/inbox/small.bin"), UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap(small));
                upload.commit();
            }
            assertThat(core.files().list(alice, PathPolicy.parse("/inbox"))).extracting(FileEntry::name)
                    .containsExactly("small.bin");
        }
    }

    /** A second core over the test core's catalog (a pool of its own) with its store on {@code storeRoot}. */
    private GatewayCore coreWithStoreOn(TestCore test, Database catalog, Path storeRoot) throws IOException {
        return GatewayCore.assemble(catalog, new FileSystemObjectStore(storeRoot),
                test.keys(), AuditKeys.loadOrCreate(home.resolve("audit-signing.key"), new SecureRandom()), new GatewayCore.Settings(Duration.ofHours(1), 16), new SecureRandom(), Clock.systemUTC());
    }

    private long storedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(mount)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
