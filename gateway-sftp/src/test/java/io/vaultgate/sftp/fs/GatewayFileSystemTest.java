package io.vaultgate.sftp.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The virtual file system and the accessor over a real core, without SSH. */
class GatewayFileSystemTest {

    @TempDir
    Path dir;
    TestCore core;
    GatewayFileSystem fs;
    final GatewayFileSystemAccessor accessor = new GatewayFileSystemAccessor();

    @BeforeEach
    void setUp() {
        core = TestCore.create(dir);
        ClientPrincipal alice = core.client("acme", "alice", Protocol.SFTP);
        fs = new GatewayFileSystem(new GatewayFileSystemProvider(), alice, core.core().files(), core.core().ingest());
        try (Upload upload = core.core().ingest().open(alice, PathPolicy.parse("/inbox/a.txt"), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap("hello".getBytes()));
            upload.commit();
        }
    }

    @AfterEach
    void tearDown() {
        core.close();
    }

    @Test
    void attributes_comeFromTheCore() throws Exception {
        Map<String, Object> file = Files.readAttributes(fs.getPath("/inbox/a.txt"), "posix:*");
        assertThat(file).containsEntry("size", 5L).containsEntry("isRegularFile", true)
                .containsEntry("isSymbolicLink", false);
        assertThat(Files.isDirectory(fs.getPath("/inbox"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fs.getPath("/inbox/a.txt"))))
                .isEqualTo("rw-r-----");
    }

    @Test
    void missingFile_isNoSuchFile_soExistenceChecksWork() {
        assertThat(Files.exists(fs.getPath("/inbox/missing"))).isFalse();
        // found missing without a core exception: a stackless NoSuchFileException with the core's not-found text
        assertThatThrownBy(() -> Files.size(fs.getPath("/inbox/missing")))
                .isInstanceOfSatisfying(NoSuchEntry.class, e -> {
                    assertThat(e.clientMessage()).isEqualTo(
                            GatewayException.notFound("/inbox/missing").clientMessage());
                    assertThat(e.getStackTrace()).isEmpty();
                });
    }

    @Test
    void listing_carriesTheEntries() throws Exception {
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(fs.getPath("/inbox"))) {
            stream.forEach(paths::add);
        }
        assertThat(paths).extracting(Path::toString).containsExactly("/inbox/a.txt");
        assertThat(((GatewayPath) paths.get(0)).getAttributes().getSize()).isEqualTo(5);
    }

    @Test
    void names_goThroughThePathPolicy() throws Exception {
        Path root = fs.getPath("/");
        assertThat(accessor.resolveLocalFilePath(null, root, "inbox/../outbox/./x")).hasToString("/outbox/x");
        assertThatThrownBy(() -> accessor.resolveLocalFilePath(null, root, "/../etc/passwd"))
                .isInstanceOf(GatewayException.class)
                .satisfies(e -> assertThat(((GatewayException) e).reason()).isEqualTo(GatewayException.Reason.INVALID_PATH));
    }

    @Test
    void linksAndAttributeChanges_areRefusedAsUnsupported_butTimesAreAccepted() throws Exception {
        Path file = fs.getPath("/inbox/a.txt");
        assertThat(status(() -> accessor.createLink(null, fs.getPath("/inbox/l"), file, true)))
                .isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED);
        assertThat(status(() -> accessor.createLink(null, fs.getPath("/inbox/l"), file, false)))
                .isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED);
        assertThat(status(() -> accessor.setFilePermissions(null, file, PosixFilePermissions.fromString("rwxrwxrwx"))))
                .isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED);
        assertThat(status(() -> accessor.setFileAttribute(null, file, "unix", "uid", 0))).isEqualTo(
                SftpConstants.SSH_FX_OP_UNSUPPORTED);
        assertThat(status(() -> accessor.openFile(null, null, file, null, Set.of(StandardOpenOption.WRITE))))
                .isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED);
        accessor.setFileAttribute(null, file, "basic", "lastModifiedTime", FileTime.fromMillis(0));
    }

    @Test
    void mkdirPermissionBits_areIgnoredForTheDirectoryJustCreatedOnly() throws Exception {
        Path created = fs.getPath("/inbox/d");
        accessor.createDirectory(null, created);
        accessor.setFilePermissions(null, created, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(status(() -> accessor.setFilePermissions(null, fs.getPath("/inbox/d"),
                PosixFilePermissions.fromString("rwxrwxrwx")))).isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED);
    }

    private interface Call {
        void run() throws Exception;
    }

    private static int status(Call call) {
        try {
            call.run();
            return SftpConstants.SSH_FX_OK;
        } catch (SftpException e) {
            return e.getStatus();
        } catch (Exception e) {
            throw new AssertionError("expected an SftpException", e);
        }
    }
}
