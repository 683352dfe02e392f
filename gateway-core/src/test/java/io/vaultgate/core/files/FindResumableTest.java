package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileService#findResumable}, the SFTP STAT's look-up (one read of the owner's rows, no exception for a new
 * name): for every kind of name it answers what {@link FileService#statResumable} answers, and empty exactly where
 * that throws not found. Through the core's metered file service, as the front-ends call it.
 */
class FindResumableTest {

    @TempDir
    Path home;
    private TestCore test;
    private FileService files;
    private ClientPrincipal alice;

    @BeforeEach
    void start() {
        test = TestCore.create(home);
        files = test.core().files();
        alice = test.client("acme", "alice", Protocol.SFTP);
    }

    @AfterEach
    void close() {
        test.close();
    }

    @Test
    void newName_isEmpty_whereStatResumableIsNotFound() {
        assertSameAsStatResumable(alice, "/inbox/new.bin");
        assertThat(files.findResumable(alice, PathPolicy.parse("/inbox/new.bin"))).isEmpty();
        assertThat(files.findResumable(alice, PathPolicy.parse("/outbox/new.bin"))).isEmpty();
        assertThat(files.findResumable(alice, PathPolicy.parse("/inbox/a/b/new.bin"))).isEmpty();
        assertThat(files.findResumable(alice, PathPolicy.parse("/elsewhere/x.bin"))).as("outside the namespace")
                .isEmpty();
        assertThat(files.findResumable(alice, PathPolicy.parse("/elsewhere"))).isEmpty();
    }

    @Test
    void committedFile_isFound_complete() {
        upload(alice, "/inbox/a.bin", 1000);

        FileEntry entry = files.findResumable(alice, PathPolicy.parse("/inbox/a.bin")).orElseThrow();

        assertThat(entry.partial()).isFalse();
        assertThat(entry.size()).isEqualTo(1000);
        assertSameAsStatResumable(alice, "/inbox/a.bin");
    }

    @Test
    void interruptedReplacement_isFoundBeforeTheCommittedFile_whileStatKeepsTheCommittedOne() {
        upload(alice, "/inbox/a.bin", 1000);
        interrupt(alice, "/inbox/a.bin", 300_000);

        FileEntry entry = files.findResumable(alice, PathPolicy.parse("/inbox/a.bin")).orElseThrow();

        assertThat(entry.partial()).isTrue();
        assertThat(entry.size()).isEqualTo(300_000);
        assertThat(files.stat(alice, PathPolicy.parse("/inbox/a.bin")).size()).isEqualTo(1000);
        assertSameAsStatResumable(alice, "/inbox/a.bin");
    }

    @Test
    void interruptedUploadAlone_isFound_byStatToo() {
        interrupt(alice, "/inbox/p.bin", 70_000);

        assertThat(files.findResumable(alice, PathPolicy.parse("/inbox/p.bin")).orElseThrow().partial()).isTrue();
        assertThat(files.stat(alice, PathPolicy.parse("/inbox/p.bin")).partial()).isTrue();
        assertSameAsStatResumable(alice, "/inbox/p.bin");
    }

    @Test
    void directories_explicitAndImplied_areFoundAsDirectories() {
        files.createDirectory(alice, PathPolicy.parse("/inbox/made"));
        upload(alice, "/inbox/implied/deeper/f.bin", 10);

        for (String directory : new String[] {"/inbox", "/outbox", "/inbox/made", "/inbox/implied",
                "/inbox/implied/deeper"}) {
            assertThat(files.findResumable(alice, PathPolicy.parse(directory))).as(directory).get()
                    .satisfies(entry -> assertThat(entry.directory()).isTrue());
            assertSameAsStatResumable(alice, directory);
        }
    }

    @Test
    void anotherAccountsUploads_areNotFound() {
        upload(alice, "/inbox/a.bin", 10);
        interrupt(alice, "/inbox/p.bin", 70_000);
        ClientPrincipal bob = test.client("acme", "bob", Protocol.SFTP);
        ClientPrincipal mallory = test.client("globex", "mallory", Protocol.SFTP);

        for (ClientPrincipal other : new ClientPrincipal[] {bob, mallory}) {
            assertThat(files.findResumable(other, PathPolicy.parse("/inbox/a.bin"))).isEmpty();
            assertThat(files.findResumable(other, PathPolicy.parse("/inbox/p.bin"))).isEmpty();
            assertSameAsStatResumable(other, "/inbox/a.bin");
        }
    }

    @Test
    void operator_isAnsweredAsStatResumableAnswers() {
        upload(alice, "/inbox/a.bin", 10);
        Principal olga = test.operator("site-1", "olga", Protocol.SFTP);

        assertSameAsStatResumable(olga, "/acme");
        assertSameAsStatResumable(olga, "/acme/batch-1/a.bin");
    }

    private void assertSameAsStatResumable(Principal principal, String path) {
        VirtualPath virtual = PathPolicy.parse(path);
        Optional<FileEntry> expected;
        try {
            expected = Optional.of(files.statResumable(principal, virtual));
        } catch (GatewayException e) {
            assertThat(e.reason()).isEqualTo(GatewayException.Reason.NOT_FOUND);
            expected = Optional.empty();
        }
        Optional<FileEntry> found = files.findResumable(principal, virtual);
        assertThat(found.map(FindResumableTest::withoutDirectoryTime)).as(path)
                .isEqualTo(expected.map(FindResumableTest::withoutDirectoryTime));
    }

    /** A directory's time is the clock's at the answer. */
    private static FileEntry withoutDirectoryTime(FileEntry entry) {
        return entry.directory() ? FileEntry.directory(entry.path(), java.time.Instant.EPOCH) : entry;
    }

    private void upload(ClientPrincipal principal, String path, int size) {
        try (Upload upload = test.core().ingest().open(principal, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[size]));
            upload.commit();
        }
    }

    /** An upload closed without a commit (the connection dropped): a resumable partial of {@code size} bytes. */
    private void interrupt(ClientPrincipal principal, String path, int size) {
        try (Upload upload = test.core().ingest().open(principal, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[size]));
        }
    }
}
