package io.vaultgate.crypto.keystore;

import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.FAST;
import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change whose rewrite of the keystore file fails (disk full, read-only) leaves nothing partial: the
 * provider goes on as the file is, and nothing of the failed change is written by a later one.
 */
class KeystoreFailedWriteTest {

  @TempDir Path dir;

  private Path ks() {
    return dir.resolve("keys.vgks");
  }

  @Test
  void aRewriteThatFails_leavesNoTemporaryCopyOfTheKeystore() throws Exception {
    KeystoreKeyProvider.create(ks(), SECRET, FAST).close();
    KeystoreFile.Loaded loaded = KeystoreFile.load(ks(), SECRET);
    char[] password = KeystoreFile.password(SECRET, loaded.params(), loaded.salt());
    Path occupied = dir.resolve("occupied");
    Files.createDirectories(occupied.resolve("child")); // a file cannot be renamed over it
    KeyStore store = loaded.keyStore();
    assertThatThrownBy(() -> KeystoreFile.store(occupied, loaded.params(), loaded.salt(), store, password))
        .isInstanceOf(CryptoException.ProviderUnavailable.class);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith(".keystore-"));
    }
  }
}
