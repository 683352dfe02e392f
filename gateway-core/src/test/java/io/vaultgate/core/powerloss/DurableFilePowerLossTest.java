package io.vaultgate.core.powerloss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.powerloss.PowerCuts;
import io.vaultgate.crypto.file.DurableFile;
import io.vaultgate.crypto.file.DurableFile.Mode;
import io.vaultgate.crypto.file.DurableFile.Replace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DurableFile}, the writer of every key, secret and identity file (master secret, token files, audit signing
 * key, host and TLS keys, node id), under a power cut after each of its operations: the name holds the complete old
 * file (or none, for a first write) or the complete new one, never an empty or partial one, with mode 0600; once the
 * write returned, the new one. The writers the gateway had before (crash audit M1: no fsync of the file, or none of
 * its directory) fail the same check, which is what this harness is for.
 */
@CatalogIndependent
class DurableFilePowerLossTest {

    private static final String OLD = "old master secret, 44 characters of base64==\n";
    private static final String NEW = "new master secret, 44 characters of base64==\n";

    @TempDir
    Path realParent;

    /** Writes {@code text} to {@code file}: the writer under test. */
    @FunctionalInterface
    interface Writer {
        void write(Path file, String text) throws IOException;
    }

    @Test
    void aFirstWrite_leavesNothingOrTheWholeFile_andTheWholeFileOnceItReturned() throws Exception {
        int operations = PowerCuts.atEveryStep(realParent, secretWrite(false, (file, text) ->
                DurableFile.writeString(file, text, Mode.OWNER_ONLY, Replace.NEVER)));

        assertThat(operations).as("create, write, fsync, link, unlink, directory fsync").isGreaterThanOrEqualTo(6);
    }

    @Test
    void aReplacement_leavesTheWholeOldOrTheWholeNewFile_andTheNewOnceItReturned() throws Exception {
        PowerCuts.atEveryStep(realParent, secretWrite(true, (file, text) ->
                DurableFile.writeString(file, text, Mode.OWNER_ONLY, Replace.EXISTING)));
    }

    @Test
    void aFileInNewDirectories_survivesWithThemOnceTheWriteReturned() throws Exception {
        PowerCuts.atEveryStep(realParent, new PowerCuts.Scenario<Path>() {
            @Override
            public Path setUp(Path root) {
                return root.resolve("home").resolve("secrets").resolve("master.key");
            }

            @Override
            public void act(Path file) throws IOException {
                DurableFile.createDirectories(file.getParent(), Mode.OWNER_ONLY);
                DurableFile.writeString(file, NEW, Mode.OWNER_ONLY, Replace.NEVER);
            }

            @Override
            public void check(Path root, Path file, boolean returned) throws IOException {
                if (returned || Files.exists(file)) {
                    assertThat(Files.readString(file)).isEqualTo(NEW);
                }
            }
        });
    }

    @Test
    void theCheck_catchesInitsOldMasterSecretWriter_createAndWriteWithoutAnyFsync() {
        Writer unflushed = (file, text) -> {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
        };

        assertThatThrownBy(() -> PowerCuts.atEveryStep(realParent, secretWrite(false, unflushed)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("action returned");
    }

    @Test
    void theCheck_catchesATemporaryFileRenamedWithoutFsyncs_asHostKeysWere() {
        Writer renamedUnflushed = (file, text) -> {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        };

        assertThatThrownBy(() -> PowerCuts.atEveryStep(realParent, secretWrite(true, renamedUnflushed)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("action returned")
                .hasMessageContaining("old master secret");
    }

    @Test
    void theCheck_catchesAFlushedFileRenamedWithoutItsDirectorysFsync() {
        Writer noDirectoryFlush = (file, text) -> {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        };

        assertThatThrownBy(() -> PowerCuts.atEveryStep(realParent, secretWrite(true, noDirectoryFlush)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("action returned")
                .hasMessageContaining("old master secret");
    }

    /**
     * The master secret file written over an old one ({@code replacing}) or as a first write: after the cut it is
     * the whole old one, the whole new one, or (first write, not returned) absent; the new one if the write returned;
     * 0600 whatever it is.
     */
    private static PowerCuts.Scenario<Path> secretWrite(boolean replacing, Writer writer) {
        return new PowerCuts.Scenario<>() {
            @Override
            public Path setUp(Path root) throws IOException {
                Path file = root.resolve("master.key");
                if (replacing) {
                    DurableFile.writeString(file, OLD, Mode.OWNER_ONLY, Replace.NEVER);
                }
                return file;
            }

            @Override
            public void act(Path file) throws IOException {
                writer.write(file, NEW);
            }

            @Override
            public void check(Path root, Path file, boolean returned) throws IOException {
                if (returned) {
                    assertThat(Files.readString(file)).as("acknowledged").isEqualTo(NEW);
                } else if (replacing) {
                    assertThat(Files.readString(file)).isIn(OLD, NEW);
                } else if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    assertThat(Files.readString(file)).isEqualTo(NEW);
                }
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                            .isEqualTo("rw-------");
                }
            }
        };
    }
}
