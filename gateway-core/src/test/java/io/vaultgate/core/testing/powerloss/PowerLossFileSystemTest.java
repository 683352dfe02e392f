package io.vaultgate.core.testing.powerloss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.testing.CatalogIndependent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power-loss file system's model, each rule on its own: unflushed data and unflushed directory entries are lost at
 * a cut, flushed ones are kept, and the injected cut stops everything at the chosen operation.
 */
@CatalogIndependent
class PowerLossFileSystemTest {

    @TempDir
    Path realRoot;

    private PowerLossFileSystem fs;
    private Path root;

    @BeforeEach
    void setUp() throws IOException {
        fs = PowerLossFileSystem.over(realRoot);
        root = fs.root();
    }

    @Test
    void aWriteNotFlushed_isLost_theFileComingBackWithWhatItsLastFlushHeld() throws IOException {
        Path file = root.resolve("a");
        write(file, "v1");
        flush(file);
        flushDirectory(root);
        write(file, "version 2, longer");

        fs.restart();

        assertThat(read(file)).isEqualTo("v1");
    }

    @Test
    void aNewFileNeverFlushed_whoseEntryIs_comesBackEmpty() throws IOException {
        Path file = root.resolve("a");
        write(file, "secret");
        flushDirectory(root);

        fs.restart();

        assertThat(read(file)).isEmpty();
    }

    @Test
    void aFlushedWrite_isKept() throws IOException {
        Path file = root.resolve("a");
        write(file, "kept");
        flush(file);
        flushDirectory(root);

        fs.restart();

        assertThat(read(file)).isEqualTo("kept");
    }

    @Test
    void aFlushedFile_whoseDirectoryWasNotFlushed_isGone() throws IOException {
        Path file = root.resolve("a");
        write(file, "data");
        flush(file);

        fs.restart();

        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void aRenameNotFollowedByItsDirectorysFlush_isUndone() throws IOException {
        Path old = root.resolve("old");
        write(old, "data");
        flush(old);
        flushDirectory(root);
        Files.move(old, root.resolve("new"), StandardCopyOption.ATOMIC_MOVE);

        fs.restart();

        assertThat(read(old)).isEqualTo("data");
        assertThat(Files.exists(root.resolve("new"))).isFalse();
    }

    @Test
    void aRenameFollowedByItsDirectorysFlush_isKept() throws IOException {
        Path old = root.resolve("old");
        write(old, "data");
        flush(old);
        flushDirectory(root);
        Files.move(old, root.resolve("new"), StandardCopyOption.ATOMIC_MOVE);
        flushDirectory(root);

        fs.restart();

        assertThat(read(root.resolve("new"))).isEqualTo("data");
        assertThat(Files.exists(old)).isFalse();
    }

    @Test
    void aFileReplacedByARename_comesBackWhole_untilTheDirectoryIsFlushed() throws IOException {
        Path file = root.resolve("key");
        write(file, "old key");
        flush(file);
        flushDirectory(root);
        Path tmp = root.resolve(".key.tmp");
        write(tmp, "new key");
        flush(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        fs.restart();

        assertThat(read(file)).isEqualTo("old key");
        assertThat(Files.exists(tmp)).isFalse();
    }

    @Test
    void anUnlinkNotFollowedByItsDirectorysFlush_isUndone() throws IOException {
        Path file = root.resolve("a");
        write(file, "data");
        flush(file);
        flushDirectory(root);
        Files.delete(file);

        fs.restart();

        assertThat(read(file)).isEqualTo("data");
    }

    @Test
    void aRenameBetweenDirectories_withOnlyTheTargetFlushed_leavesBothNames() throws IOException {
        Path from = Files.createDirectory(root.resolve("from"));
        Path to = Files.createDirectory(root.resolve("to"));
        flushDirectory(root);
        write(from.resolve("f"), "data");
        flush(from.resolve("f"));
        flushDirectory(from);
        Files.move(from.resolve("f"), to.resolve("f"), StandardCopyOption.ATOMIC_MOVE);
        flushDirectory(to);

        fs.restart();

        assertThat(read(from.resolve("f"))).isEqualTo("data");
        assertThat(read(to.resolve("f"))).isEqualTo("data");
        assertThat(Files.isSameFile(from.resolve("f"), to.resolve("f"))).isTrue();
    }

    @Test
    void aNewDirectory_whoseParentWasNotFlushed_isGone_withWhatItHolds() throws IOException {
        Path dir = Files.createDirectory(root.resolve("tenant"));
        write(dir.resolve("f"), "data");
        flush(dir.resolve("f"));
        flushDirectory(dir);

        fs.restart();

        assertThat(Files.exists(dir)).isFalse();
    }

    @Test
    void aFilesMode_isKept() throws IOException {
        Path file = root.resolve("secret");
        try (FileChannel channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")))) {
            channel.write(ByteBuffer.wrap("s".getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        flushDirectory(root);

        fs.restart();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void theArmedCut_letsThatManyOperationsRun_thenStopsEveryOne_untilTheRestart() throws IOException {
        Path file = root.resolve("a");
        fs.cutAfter(2);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE); // 1
        channel.write(ByteBuffer.wrap(new byte[] {1})); // 2

        assertThatThrownBy(() -> channel.force(true)).isInstanceOf(PowerCut.class);
        assertThat(fs.powerWasCut()).isTrue();
        assertThatThrownBy(() -> Files.size(file)).isInstanceOf(PowerCut.class);
        assertThat(fs.operations()).isEqualTo(2);
        assertThat(fs.trace()).hasSize(2).first().asString().startsWith("open");

        fs.restart();

        assertThat(Files.exists(file)).isFalse();
        assertThatThrownBy(() -> channel.write(ByteBuffer.wrap(new byte[] {2}))).isInstanceOf(PowerCut.class);
        channel.close();
        write(file, "after the restart"); // the new process works
        assertThat(read(file)).isEqualTo("after the restart");
    }

    @Test
    void aFailedFlush_losesWhatItShouldHaveWritten_evenAfterALaterFlushSucceeds_untilItIsWrittenAgain()
            throws IOException {
        Path file = root.resolve("a");
        write(file, "AAAAAA");
        flush(file);
        flushDirectory(root);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap("BBBBBB".getBytes(StandardCharsets.UTF_8)), 0);
            fs.failFileFlushAfter(0);
            assertThatThrownBy(() -> channel.force(false)).isInstanceOf(IOException.class)
                    .hasMessageContaining("Input/output error");
            channel.force(false); // succeeds, and writes nothing of the failed bytes
            channel.write(ByteBuffer.wrap("CC".getBytes(StandardCharsets.UTF_8)), 0);
            channel.write(ByteBuffer.wrap("DD".getBytes(StandardCharsets.UTF_8)), 6);
            channel.force(false);
        }
        assertThat(read(file)).isEqualTo("CCBBBBDD"); // the cache holds them

        fs.restart();

        assertThat(read(file)).isEqualTo("CCAAAADD");
    }

    @Test
    void aFlushThroughAnotherDescriptor_makesTheFileDurable() throws IOException {
        Path file = root.resolve("a");
        write(file, "written here");
        try (FileChannel other = FileChannel.open(file, StandardOpenOption.READ)) {
            other.force(false);
        }
        flushDirectory(root);

        fs.restart();

        assertThat(read(file)).isEqualTo("written here");
    }

    @Test
    void pathsOfTheFileSystem_refuseToBecomeFiles_andChangesOutsideTheRootAreRefused() {
        assertThatThrownBy(() -> root.resolve("a").toFile()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> Files.createDirectory(root.getParent().resolve("outside")))
                .isInstanceOf(IOException.class).hasMessageContaining("outside");
    }

    private static void write(Path file, String text) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }

    private static void flush(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(false);
        }
    }

    private static void flushDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
