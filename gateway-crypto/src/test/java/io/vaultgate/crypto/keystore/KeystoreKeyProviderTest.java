package io.vaultgate.crypto.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeySlot;
import io.vaultgate.crypto.internal.KekAliases;
import io.vaultgate.crypto.internal.KeyWrap;
import io.vaultgate.crypto.internal.RandomSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoreKeyProviderTest {
  static final KdfParams FAST = new KdfParams(1024, 1, 1);
  static final MasterSecret SECRET = MasterSecret.fromBytes(
      "correct horse battery staple".getBytes(StandardCharsets.US_ASCII));
  static final EnvelopeContext CTX = new EnvelopeContext("tenant-a", "file-1");

  @TempDir Path dir;

  private Path ks() {
    return dir.resolve("keys.vgks");
  }

  @Test
  void createdFile_isPrivateToItsOwner() throws Exception {
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ks())))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void wrappedKey_unwrapsAfterReopen() {
    DataKey dek = DataKey.generate();
    KeySlot slot;
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      assertThat(p.ensureTenant("tenant-a")).isEqualTo(new KekId("tenant-a", 1));
      slot = p.wrap(CTX, dek);
    }
    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(ks(), SECRET)) {
      assertThat(p.unwrap(CTX, KeySlot.fromBytes(slot.toBytes()))).isEqualTo(dek);
    }
  }

  @Test
  void worldReadableFile_isRefusedAtOpen() throws Exception {
    KeystoreKeyProvider.create(ks(), SECRET, FAST).close();
    Files.setPosixFilePermissions(ks(), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KeystoreKeyProvider.open(ks(), SECRET))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("chmod 600");
  }

  @Test
  void wrongMasterSecret_isRefusedAtOpen() {
    KeystoreKeyProvider.create(ks(), SECRET, FAST).close();
    MasterSecret wrong = MasterSecret.fromBytes(new byte[32]);
    assertThatThrownBy(() -> KeystoreKeyProvider.open(ks(), wrong))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("wrong master secret");
  }

  @Test
  void slotForAnotherFileOrTenant_failsAuthentication() {
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      p.ensureTenant("tenant-a");
      p.ensureTenant("tenant-b");
      KeySlot slot = p.wrap(CTX, DataKey.generate());
      assertThatThrownBy(() -> p.unwrap(new EnvelopeContext("tenant-a", "file-2"), slot))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
      assertThatThrownBy(() -> p.unwrap(new EnvelopeContext("tenant-b", "file-1"), slot))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
      KeySlot relabelled = new KeySlot(slot.provider(), new KekId("tenant-a", 2), slot.wrapped());
      p.rotate("tenant-a");
      assertThatThrownBy(() -> p.unwrap(CTX, relabelled))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
    }
  }

  @Test
  void rotation_newWrapsUseTheNewVersion_andRewrapMovesOldSlots() {
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      p.ensureTenant("tenant-a");
      DataKey dek = DataKey.generate();
      KeySlot v1 = p.wrap(CTX, dek);
      assertThat(p.rotate("tenant-a")).isEqualTo(new KekId("tenant-a", 2));
      assertThat(p.wrap(CTX, dek).kek().version()).isEqualTo(2);
      KeySlot v2 = p.rewrap(CTX, v1);
      assertThat(v2.kek().version()).isEqualTo(2);
      p.disable(new KekId("tenant-a", 1));
      assertThat(p.unwrap(CTX, v2)).isEqualTo(dek);
      assertThatThrownBy(() -> p.unwrap(CTX, v1)).isInstanceOf(CryptoException.KeyDisabled.class);
    }
    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(ks(), SECRET)) {
      assertThat(p.versions("tenant-a")).containsExactly(1, 2);
      assertThat(p.ensureTenant("tenant-a").version()).isEqualTo(2);
    }
  }

  @Test
  void activeVersion_cannotBeDisabled() {
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      KekId active = p.ensureTenant("tenant-a");
      assertThatThrownBy(() -> p.disable(active)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void destroyedTenant_cannotUnwrapOrCreateKeys_evenAfterReopen() {
    KeySlot slot;
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      p.ensureTenant("tenant-a");
      p.ensureTenant("tenant-b");
      slot = p.wrap(CTX, DataKey.generate());
      p.destroyTenant("tenant-a");
      assertThatThrownBy(() -> p.unwrap(CTX, slot)).isInstanceOf(CryptoException.KeyDestroyed.class);
    }
    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(ks(), SECRET)) {
      assertThatThrownBy(() -> p.unwrap(CTX, slot)).isInstanceOf(CryptoException.KeyDestroyed.class);
      assertThatThrownBy(() -> p.ensureTenant("tenant-a"))
          .isInstanceOf(CryptoException.KeyDestroyed.class);
      assertThat(p.versions("tenant-a")).isEmpty();
      assertThat(p.ensureTenant("tenant-b").version()).isEqualTo(1);
    }
  }

  @Test
  void shreddedTenant_noKeyLeftInTheFile_unwrapsItsSlots() throws Exception {
    KeySlot v1;
    KeySlot v2;
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      p.ensureTenant("tenant-a");
      v1 = p.wrap(CTX, DataKey.generate());
      p.rotate("tenant-a");
      v2 = p.wrap(CTX, DataKey.generate());
      p.disable(new KekId("tenant-a", 1));
      p.ensureTenant("tenant-b");
      p.destroyTenant("tenant-a");
    }
    KeystoreFile.Loaded loaded = KeystoreFile.load(ks(), SECRET);
    KeyStore store = loaded.keyStore();
    char[] password = KeystoreFile.password(SECRET, loaded.params(), loaded.salt());
    List<String> aliases = Collections.list(store.aliases());
    assertThat(aliases).containsExactlyInAnyOrder(KekAliases.tomb("tenant-a"),
        KekAliases.kek(new KekId("tenant-b", 1)));
    KeyWrap wrap = new KeyWrap(null, RandomSource.secure());
    for (String alias : aliases) {
      SecretKey key = (SecretKey) store.getKey(alias, password);
      for (KeySlot slot : List.of(v1, v2)) {
        for (int version = 1; version <= 2; version++) {
          byte[] ad = KeyWrap.associatedData("keystore", CTX, new KekId("tenant-a", version));
          assertThatThrownBy(() -> wrap.unwrap(key, ad, slot.wrapped())).as(alias)
              .isInstanceOf(CryptoException.AuthenticationFailed.class);
        }
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).as("no other copy of the keystore")
          .containsExactlyInAnyOrder("keys.vgks", "keys.vgks.lock");
    }
  }

  @Test
  void unknownTenant_isKeyNotFound() {
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      assertThatThrownBy(() -> p.wrap(CTX, DataKey.generate()))
          .isInstanceOf(CryptoException.KeyNotFound.class);
      assertThatThrownBy(() -> p.rotate("nobody")).isInstanceOf(CryptoException.KeyNotFound.class);
    }
  }

  @Test
  void masterSecretRotation_oldSecretNoLongerOpens_newOneDoes() {
    MasterSecret next = MasterSecret.fromBytes(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
    DataKey dek = DataKey.generate();
    KeySlot slot;
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      p.ensureTenant("tenant-a");
      slot = p.wrap(CTX, dek);
      p.rotateMasterSecret(next);
    }
    assertThatThrownBy(() -> KeystoreKeyProvider.open(ks(), SECRET))
        .isInstanceOf(CryptoException.ProviderUnavailable.class);
    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(ks(), next)) {
      assertThat(p.unwrap(CTX, slot)).isEqualTo(dek);
    }
  }

  @Test
  void foreignOrTamperedFile_isRefusedWithATypedError() throws Exception {
    KeystoreKeyProvider.create(ks(), SECRET, FAST).close();
    byte[] good = Files.readAllBytes(ks());
    Path bad = dir.resolve("bad.vgks");

    byte[] magic = good.clone();
    magic[0] = 'X';
    writePrivate(bad, magic);
    assertThatThrownBy(() -> KeystoreKeyProvider.open(bad, SECRET))
        .isInstanceOf(CryptoException.UnsupportedFormat.class);

    byte[] hugeMemory = good.clone();
    hugeMemory[6] = 0x7f; // Argon2id memory far above the bound: refused before any work
    writePrivate(bad, hugeMemory);
    assertThatThrownBy(() -> KeystoreKeyProvider.open(bad, SECRET))
        .isInstanceOf(CryptoException.UnsupportedFormat.class)
        .hasMessageContaining("memory");

    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 1;
    writePrivate(bad, flipped);
    assertThatThrownBy(() -> KeystoreKeyProvider.open(bad, SECRET))
        .isInstanceOf(CryptoException.ProviderUnavailable.class);

    writePrivate(bad, java.util.Arrays.copyOf(good, 20));
    assertThatThrownBy(() -> KeystoreKeyProvider.open(bad, SECRET))
        .isInstanceOf(CryptoException.UnsupportedFormat.class);
  }

  private static void writePrivate(Path p, byte[] bytes) throws Exception {
    Files.write(p, bytes);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void createOverAnExistingFile_isRefused() {
    KeystoreKeyProvider.create(ks(), SECRET, FAST).close();
    assertThatThrownBy(() -> KeystoreKeyProvider.create(ks(), SECRET, FAST))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("already exists");
  }
}
