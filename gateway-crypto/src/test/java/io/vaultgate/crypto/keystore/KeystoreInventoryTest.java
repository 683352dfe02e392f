package io.vaultgate.crypto.keystore;

import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.FAST;
import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A keystore file's tenants and KEK versions, read by their names alone, without the master secret. */
class KeystoreInventoryTest {

  @TempDir Path dir;

  @Test
  void versionsDisabledOnesAndTombstones_areReadWithoutTheMasterSecret() {
    Path file = dir.resolve("kek.p12");
    try (KeystoreKeyProvider keys = KeystoreKeyProvider.create(file, SECRET, FAST)) {
      keys.ensureTenant("acme");
      keys.rotate("acme");
      keys.rotate("acme");
      keys.disable(new KekId("acme", 1));
      keys.ensureTenant("globex");
      keys.destroyTenant("globex");
      keys.ensureTenant("initech");
    }

    KeystoreInventory inventory = KeystoreInventory.read(file);

    assertThat(inventory.tenants()).containsExactly("acme", "globex", "initech");
    assertThat(inventory.versions("acme")).containsExactly(1, 2, 3);
    assertThat(inventory.disabledVersions("acme")).containsExactly(1);
    assertThat(inventory.destroyed("acme")).isFalse();
    assertThat(inventory.versions("globex")).isEmpty();
    assertThat(inventory.destroyed("globex")).isTrue();
    assertThat(inventory.versions("initech")).containsExactly(1);
    assertThat(inventory.versions("nobody")).isEmpty();
    assertThat(inventory.destroyed("nobody")).isFalse();
  }

  @Test
  void aKeystoreOthersMayRead_orNoKeystore_isRefused() throws Exception {
    Path file = dir.resolve("kek.p12");
    assertThatThrownBy(() -> KeystoreInventory.read(file))
        .isInstanceOf(CryptoException.ProviderUnavailable.class).hasMessageContaining("does not exist");

    KeystoreKeyProvider.create(file, SECRET, FAST).close();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KeystoreInventory.read(file))
        .isInstanceOf(CryptoException.ProviderUnavailable.class).hasMessageContaining("chmod 600");
  }
}
