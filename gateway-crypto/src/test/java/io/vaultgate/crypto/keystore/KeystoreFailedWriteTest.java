package io.vaultgate.crypto.keystore;

import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.FAST;
import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeySlot;
import java.nio.charset.StandardCharsets;
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
  private static final MasterSecret NEW_SECRET = MasterSecret.fromBytes(
      "a different secret, also long".getBytes(StandardCharsets.US_ASCII));
  private static final EnvelopeContext CTX = new EnvelopeContext("tenant-a", "file-1");

  @TempDir Path dir;

  private Path ks() {
    return dir.resolve("keys.vgks");
  }

  @Test
  void aMasterSecretRotationThatCannotBeWritten_losesNoKey_andTheOldSecretStillOpens() throws Exception {
    DataKey dek = DataKey.generate();
    KeySlot slot;
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      p.ensureTenant("tenant-a");
      slot = p.wrap(CTX, dek);
    }
    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(ks(), SECRET)) {
      try (FrozenDirectory frozen = FrozenDirectory.freeze(dir)) {
        assertThatThrownBy(() -> p.rotateMasterSecret(NEW_SECRET))
            .isInstanceOf(CryptoException.ProviderUnavailable.class);
      }
      assertThat(p.unwrap(CTX, slot)).isEqualTo(dek);
      p.ensureTenant("tenant-b"); // a later change rewrites the file
    }
    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(ks(), SECRET)) {
      assertThat(p.unwrap(CTX, slot)).isEqualTo(dek);
      assertThat(p.versions("tenant-b")).containsExactly(1);
    }
    assertThatThrownBy(() -> KeystoreKeyProvider.open(ks(), NEW_SECRET))
        .isInstanceOf(CryptoException.ProviderUnavailable.class);
  }

  @Test
  void aDestructionThatCannotBeWritten_destroysNothing_andIsNotWrittenLater() throws Exception {
    DataKey dek = DataKey.generate();
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      p.ensureTenant("tenant-a");
      KeySlot slot = p.wrap(CTX, dek);
      try (FrozenDirectory frozen = FrozenDirectory.freeze(dir)) {
        assertThatThrownBy(() -> p.destroyTenant("tenant-a"))
            .isInstanceOf(CryptoException.ProviderUnavailable.class);
      }
      assertThat(p.unwrap(CTX, slot)).as("the tenant was not destroyed: the file still holds it")
          .isEqualTo(dek);
      p.ensureTenant("tenant-b");
      assertThat(p.destroyTenant("tenant-a")).containsExactly(new KekId("tenant-a", 1));
      assertThatThrownBy(() -> p.unwrap(CTX, slot)).isInstanceOf(CryptoException.KeyDestroyed.class);
    }
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
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }
}
