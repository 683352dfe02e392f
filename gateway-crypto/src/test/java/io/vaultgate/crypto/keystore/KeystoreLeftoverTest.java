package io.vaultgate.crypto.keystore;

import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.FAST;
import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeySlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash between the flush of a rewrite's temporary file and its rename leaves a whole 0600 copy of the keystore
 * beside it. Destroying a tenant must not leave the tenant's KEKs in such a copy: after the shred, no file in the
 * keystore's directory opens with the master secret and unwraps the tenant's key slot.
 */
class KeystoreLeftoverTest {
  private static final EnvelopeContext CTX = new EnvelopeContext("tenant-a", "file-1");

  @TempDir Path dir;
  @TempDir Path probes;

  private Path ks() {
    return dir.resolve("kek.p12");
  }

  @Test
  void aCopyACrashLeftBeforeTheProcessStarted_isGoneAfterOpen_andTheShredLeavesNoKeyBehind() throws Exception {
    KeySlot slot = keystoreWithATenant();
    leaveCopiesAsACrashWould();

    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(ks(), SECRET)) {
      assertThat(filesThatUnwrap(slot)).as("open removed the copies").containsExactly(ks());
      p.destroyTenant("tenant-a");
    }

    assertThat(filesThatUnwrap(slot)).isEmpty();
  }

  @Test
  void aCopyAnotherProcessLeftWhileThisOneRuns_isGoneAfterTheShredsRewrite() throws Exception {
    KeySlot slot = keystoreWithATenant();
    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(ks(), SECRET)) {
      leaveCopiesAsACrashWould(); // a CLI command beside the gateway, killed during its rewrite

      p.destroyTenant("tenant-a");
    }

    assertThat(filesThatUnwrap(slot)).isEmpty();
  }

  private KeySlot keystoreWithATenant() {
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks(), SECRET, FAST)) {
      p.ensureTenant("tenant-a");
      KeySlot slot = p.wrap(CTX, DataKey.generate());
      assertThat(p.unwrap(CTX, slot)).isNotNull();
      return slot;
    }
  }

  /** This version's temporary name and the random one earlier versions used, each a whole copy (mode 0600). */
  private void leaveCopiesAsACrashWould() throws IOException {
    Files.copy(ks(), KeystoreFile.temporary(ks()), StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(ks(), dir.resolve(".keystore-4242424242424242.tmp"), StandardCopyOption.COPY_ATTRIBUTES);
  }

  /**
   * The regular files of the directory that open as a keystore with the master secret and unwrap {@code slot}.
   * Each is tried as a copy in a directory of its own, so that opening one cleans nothing up beside the others.
   */
  private List<Path> filesThatUnwrap(KeySlot slot) throws IOException {
    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files = listed.filter(Files::isRegularFile).toList();
    }
    List<Path> unwrapping = new ArrayList<>();
    for (Path file : files) {
      Path probe = Files.createDirectory(probes.resolve("probe-" + probes.toFile().list().length)).resolve("kek.p12");
      Files.copy(file, probe, StandardCopyOption.COPY_ATTRIBUTES);
      if (unwraps(probe, slot)) {
        unwrapping.add(file);
      }
    }
    return unwrapping;
  }

  private static boolean unwraps(Path file, KeySlot slot) {
    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(file, SECRET)) {
      return p.unwrap(CTX, slot) != null;
    } catch (CryptoException e) {
      return false;
    }
  }
}
