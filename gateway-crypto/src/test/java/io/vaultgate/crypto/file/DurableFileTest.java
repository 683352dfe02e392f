package io.vaultgate.crypto.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.file.DurableFile.Mode;
import io.vaultgate.crypto.file.DurableFile.Replace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DurableFile} on a real directory: a write that fails half-way leaves the old file (or none) under the name,
 * never a part of the new one, nor its temporary copy; a secret is 0600 from its first byte; an existing file is kept
 * where asked; directories are created 0700.
 */
class DurableFileTest {

  @TempDir
  Path dir;

  @Test
  void aWriteFailingHalfWay_leavesTheOldFileWhole_andNoTemporaryCopy() throws IOException {
    Path file = dir.resolve("master.key");
    DurableFile.writeString(file, "old secret\n", Mode.OWNER_ONLY, Replace.EXISTING);

    assertThatThrownBy(() -> DurableFile.write(file, out -> {
      out.write("new sec".getBytes(StandardCharsets.US_ASCII));
      throw new IOException("No space left on device");
    }, Mode.OWNER_ONLY, Replace.EXISTING)).isInstanceOf(IOException.class).hasMessage("No space left on device");

    assertThat(Files.readString(file)).isEqualTo("old secret\n");
    assertThat(names()).containsExactly("master.key");
  }

  @Test
  void aFirstWriteFailingHalfWay_leavesNoFileUnderTheName() {
    Path file = dir.resolve("audit-signing.key");

    assertThatThrownBy(() -> DurableFile.write(file, out -> {
      out.write(new byte[100]);
      throw new IllegalStateException("cannot encode the key");
    }, Mode.OWNER_ONLY, Replace.NEVER)).isInstanceOf(IllegalStateException.class);

    assertThat(file).doesNotExist();
    assertThat(names()).isEmpty();
  }

  @Test
  void aSecret_isOwnerOnlyFromItsFirstByte_evenReplacingAFileOthersCouldRead() throws IOException {
    Path file = dir.resolve("token");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    List<String> modesBeforeAnyByte = new ArrayList<>();

    DurableFile.write(file, out -> {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path written : files.filter(p -> !p.equals(file)).toList()) {
          modesBeforeAnyByte.add(Files.size(written) + " " + PosixFilePermissions.toString(
              Files.getPosixFilePermissions(written)));
        }
      }
      out.write("secret".getBytes(StandardCharsets.US_ASCII));
    }, Mode.OWNER_ONLY, Replace.EXISTING);

    assertThat(modesBeforeAnyByte).containsExactly("0 rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file)).isEqualTo("secret");
  }

  @Test
  void replaceNever_keepsAnExistingFile() throws IOException {
    Path file = dir.resolve("ssh_host_ed25519_key");
    Files.writeString(file, "the host key clients know");

    assertThatThrownBy(() -> DurableFile.writeString(file, "another", Mode.OWNER_ONLY, Replace.NEVER))
        .isInstanceOf(FileAlreadyExistsException.class);

    assertThat(Files.readString(file)).isEqualTo("the host key clients know");
    assertThat(names()).containsExactly("ssh_host_ed25519_key");
  }

  @Test
  void aCopyAnInterruptedWriteLeft_isReplaced_andGoneAfterTheWrite() throws IOException {
    Path file = dir.resolve("node-id");
    Files.writeString(dir.resolve(".node-id.tmp"), "half of an"); // a crash before the rename

    DurableFile.writeString(file, "node-1\n", Mode.OWNER_ONLY, Replace.NEVER);

    assertThat(Files.readString(file)).isEqualTo("node-1\n");
    assertThat(names()).containsExactly("node-id");
  }

  @Test
  void umaskMode_createsAFileAsAPlainWriteWould() throws IOException {
    Path plain = dir.resolve("plain.pub");
    Files.writeString(plain, "x");
    Path file = dir.resolve("audit-signing.pub");

    DurableFile.writeString(file, "public\n", Mode.UMASK, Replace.EXISTING);

    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Files.getPosixFilePermissions(plain));
  }

  @Test
  void createDirectories_makesEachMissingLevelOwnerOnly_andKeepsAnExistingOne() throws IOException {
    Path nested = dir.resolve("home").resolve("secrets");

    assertThat(DurableFile.createDirectories(nested, Mode.OWNER_ONLY)).isEqualTo(nested);
    assertThat(DurableFile.createDirectories(nested, Mode.OWNER_ONLY)).isEqualTo(nested);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("home"))))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rwx------");
  }

  private List<String> names() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
