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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two providers on one keystore file, as the running gateway and a {@code vaultgate tenant add} beside it:
 * neither loses the other's keys, and each uses the other's new keys at once.
 */
class KeystoreSharedFileTest {

  @TempDir Path dir;

  @Test
  void aTenantAddedByAnotherProvider_isUsableAtOnce_withoutReopening() {
    Path file = dir.resolve("keys.vgks");
    KeystoreKeyProvider.create(file, SECRET, FAST).close();
    try (KeystoreKeyProvider gateway = KeystoreKeyProvider.open(file, SECRET);
        KeystoreKeyProvider cli = KeystoreKeyProvider.open(file, SECRET)) {
      gateway.ensureTenant("acme");

      cli.ensureTenant("globex");

      EnvelopeContext context = new EnvelopeContext("globex", "file-1");
      DataKey key = DataKey.generate();
      KeySlot slot = gateway.wrap(context, key);
      assertThat(slot.kek()).isEqualTo(new KekId("globex", 1));
      assertThat(cli.unwrap(context, slot)).isEqualTo(key);
    }
  }

  @Test
  void changesFromTwoProviders_areAllKept_inTheFile() {
    Path file = dir.resolve("keys.vgks");
    KeystoreKeyProvider.create(file, SECRET, FAST).close();
    try (KeystoreKeyProvider first = KeystoreKeyProvider.open(file, SECRET);
        KeystoreKeyProvider second = KeystoreKeyProvider.open(file, SECRET)) {
      first.ensureTenant("acme");
      second.ensureTenant("globex");
      first.rotate("acme");
      second.rotate("globex");
      first.ensureTenant("initech");
    }
    try (KeystoreKeyProvider reopened = KeystoreKeyProvider.open(file, SECRET)) {
      assertThat(reopened.versions("acme")).containsExactly(1, 2);
      assertThat(reopened.versions("globex")).containsExactly(1, 2);
      assertThat(reopened.versions("initech")).containsExactly(1);
    }
  }

  @Test
  void concurrentChangesFromTwoProviders_loseNoKey() throws Exception {
    Path file = dir.resolve("keys.vgks");
    KeystoreKeyProvider.create(file, SECRET, FAST).close();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (KeystoreKeyProvider first = KeystoreKeyProvider.open(file, SECRET);
        KeystoreKeyProvider second = KeystoreKeyProvider.open(file, SECRET)) {
      List<Future<?>> done = List.of(
          pool.submit(() -> addTenants(first, "a")), pool.submit(() -> addTenants(second, "b")));
      for (Future<?> each : done) {
        each.get();
      }
    } finally {
      pool.shutdownNow();
    }
    try (KeystoreKeyProvider reopened = KeystoreKeyProvider.open(file, SECRET)) {
      for (int i = 0; i < 10; i++) {
        assertThat(reopened.versions("a" + i)).as("a" + i).containsExactly(1);
        assertThat(reopened.versions("b" + i)).as("b" + i).containsExactly(1);
      }
    }
  }

  @Test
  void aSecretRotatedByAnotherProvider_failsClosed_untilReopenedWithTheNewSecret() {
    Path file = dir.resolve("keys.vgks");
    KeystoreKeyProvider.create(file, SECRET, FAST).close();
    MasterSecret next = MasterSecret.fromBytes("a different, newer master secret".getBytes(
        StandardCharsets.US_ASCII));
    try (KeystoreKeyProvider gateway = KeystoreKeyProvider.open(file, SECRET);
        KeystoreKeyProvider cli = KeystoreKeyProvider.open(file, SECRET)) {
      cli.ensureTenant("acme");
      cli.rotateMasterSecret(next);

      assertThatThrownBy(() -> gateway.ensureTenant("globex"))
          .isInstanceOf(CryptoException.ProviderUnavailable.class)
          .hasMessageContaining("re-protected by another process");
    }
    try (KeystoreKeyProvider reopened = KeystoreKeyProvider.open(file, next)) {
      assertThat(reopened.versions("acme")).containsExactly(1);
      assertThat(reopened.versions("globex")).isEmpty();
    }
  }

  @Test
  void aCreateThatLosesTheRaceToAnother_isRefused_andLeavesTheOthersKeys() throws Exception {
    Path file = dir.resolve("keys.vgks");
    Path elsewhere = dir.resolve("made-by-another-process.vgks");
    try (KeystoreKeyProvider first = KeystoreKeyProvider.create(elsewhere, SECRET, FAST)) {
      first.ensureTenant("acme");
    }
    AtomicReference<Throwable> second = new AtomicReference<>();
    Thread late = new Thread(() -> {
      try {
        KeystoreKeyProvider.create(file, SECRET, FAST).close();
      } catch (Throwable e) {
        second.set(e);
      }
    });
    KeystoreLock.around(file, () -> {
      late.start(); // checks that no file exists, then waits for the lock held here
      awaitWaitingForTheLock(late);
      copyPrivate(elsewhere, file); // meanwhile another process creates the keystore
      return null;
    });
    late.join(10_000);
    assertThat(second.get()).isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("already exists");
    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(file, SECRET)) {
      assertThat(p.versions("acme")).containsExactly(1);
    }
  }

  private static void awaitWaitingForTheLock(Thread t) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (t.getState() == Thread.State.WAITING && Arrays.stream(t.getStackTrace())
          .anyMatch(f -> f.getClassName().equals(KeystoreLock.class.getName()))) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the second create never reached the keystore lock");
  }

  private static void copyPrivate(Path from, Path to) {
    try {
      Files.copy(from, to);
      Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-------"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void addTenants(KeystoreKeyProvider provider, String prefix) {
    for (int i = 0; i < 10; i++) {
      provider.ensureTenant(prefix + i);
    }
  }
}
