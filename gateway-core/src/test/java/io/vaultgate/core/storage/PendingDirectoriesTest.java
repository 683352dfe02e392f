package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * review23d M3: a file-system store shows a tenant's pending directory once an upload of the tenant was written, and
 * none on an empty mount point, where an object not found proves nothing. Looking creates nothing.
 */
class PendingDirectoriesTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path dir;

    @Test
    void aTenantWhoseUploadWasWritten_hasItsPendingDirectory() throws IOException {
        Path root = dir.resolve("objects");
        FileSystemObjectStore store = new FileSystemObjectStore(root);
        try (PendingObject object = store.create(ACME, ObjectId.random(new SecureRandom()))) {
            assertThat(object.channel().isOpen()).isTrue();
        }
        assertThat(PendingDirectories.present(root, ACME)).isTrue();
        assertThat(PendingDirectories.present(root, TenantId.of("globex"))).isFalse();
    }

    @Test
    void anEmptyMountPoint_showsNone_andLookingCreatesNothing() throws IOException {
        Path mountPoint = Files.createDirectory(dir.resolve("objects"));
        assertThat(PendingDirectories.present(mountPoint, ACME)).isFalse();
        assertThat(PendingDirectories.present(dir.resolve("not-there"), ACME)).isFalse();
        try (var entries = Files.list(mountPoint)) {
            assertThat(entries).isEmpty();
        }
        assertThat(dir.resolve("not-there")).doesNotExist();
    }

    @Test
    void theFileSystemStore_provesAnObjectGoneOnlyWhereItShowsTheTenantsPendingDirectory() throws IOException {
        FileSystemObjectStore store = new FileSystemObjectStore(dir.resolve("objects"));
        assertThat(store.provesGone(ACME)).as("an empty root: a mount point not mounted yet").isFalse();
        store.create(ACME, ObjectId.random(new SecureRandom())).close();
        assertThat(store.provesGone(ACME)).isTrue();
        assertThat(store.provesGone(TenantId.of("globex"))).isFalse();
    }
}
