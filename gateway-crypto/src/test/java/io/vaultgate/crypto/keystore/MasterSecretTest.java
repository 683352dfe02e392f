package io.vaultgate.crypto.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.InsecureKeyAccess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterSecretTest {
  @TempDir Path dir;

  @Test
  void file_trailingNewlineIsIgnored() throws Exception {
    Path f = privateFile("secret");
    Files.writeString(f, "0123456789abcdefXYZ\n");
    assertThat(MasterSecret.fromFile(f))
        .isEqualTo(MasterSecret.fromBytes("0123456789abcdefXYZ".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void fileThatGroupOrOthersMayReadOrWrite_isRefused_namingTheFileItsModeAndTheFix() throws Exception {
    Path f = privateFile("secret");
    Files.writeString(f, "0123456789abcdefXYZ\n");
    Map<String, String> modes = Map.of("rw-r-----", "0640", "rw----r--", "0604", "rw--w----", "0620",
        "rw-----w-", "0602", "rw-r--r--", "0644");
    for (Map.Entry<String, String> mode : modes.entrySet()) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode.getKey()));
      assertThatThrownBy(() -> MasterSecret.fromFile(f))
          .as(mode.getKey())
          .isInstanceOf(CryptoException.ProviderUnavailable.class)
          .hasMessageContaining("master secret file " + f + " has mode " + mode.getValue() + " (" + mode.getKey()
              + ")")
          .hasMessageEndingWith("chmod 600 " + f);
    }
  }

  @Test
  void fileOnlyItsOwnerMayRead_isAccepted() throws Exception {
    Path f = privateFile("secret");
    Files.writeString(f, "0123456789abcdefXYZ");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
    assertThat(MasterSecret.fromFile(f))
        .isEqualTo(MasterSecret.fromBytes("0123456789abcdefXYZ".getBytes(StandardCharsets.US_ASCII)));
  }

  /** An empty file that only its owner may read and write, as {@code vaultgate init} makes the secret. */
  private Path privateFile(String name) throws Exception {
    return Files.createFile(dir.resolve(name),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
  }

  @Test
  void missingFile_saysWhichFile() {
    assertThatThrownBy(() -> MasterSecret.fromFile(dir.resolve("nope")))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("nope");
  }

  @Test
  void environment_unsetOrShort_saysWhatToDo() {
    assertThatThrownBy(() -> MasterSecret.fromEnvironment("VG_SECRET", Map.of()))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("VG_SECRET is not set");
    assertThatThrownBy(() -> MasterSecret.fromEnvironment("VG_SECRET", Map.of("VG_SECRET", "short")))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("16");
    assertThat(MasterSecret.fromEnvironment("VG_SECRET", Map.of("VG_SECRET", "a-long-enough-secret")))
        .isNotNull();
  }

  @Test
  void toString_isRedacted_andDestroyZeroes() {
    MasterSecret s = MasterSecret.fromBytes("a-long-enough-secret".getBytes(StandardCharsets.US_ASCII));
    assertThat(s.toString()).isEqualTo("MasterSecret[redacted]");
    s.destroy();
    assertThat(s.isDestroyed()).isTrue();
    assertThatThrownBy(() -> s.toByteArray(InsecureKeyAccess.get()))
        .isInstanceOf(CryptoException.KeyDestroyed.class);
  }

  @Test
  void kdfParams_outOfBounds_areRejected() {
    assertThatThrownBy(() -> new KdfParams(4, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KdfParams(2 * 1024 * 1024, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KdfParams(1024, 0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
