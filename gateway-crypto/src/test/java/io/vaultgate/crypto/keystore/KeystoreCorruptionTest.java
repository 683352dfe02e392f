package io.vaultgate.crypto.keystore;

import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.FAST;
import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeySlot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged keystore file, or the wrong secret, is refused with a typed error naming the file
 * ({@code UnsupportedFormat} for what is not a keystore of this version, {@code ProviderUnavailable}
 * otherwise), never with another exception, and is never written by the failed open. The only
 * changes that open are to DER bytes the PKCS#12 parser does not read (the tag of the content's
 * explicit wrapper, the NULL parameters of the MAC digest): everything the MAC covers is refused, so
 * such a file must still hold exactly the same keys.
 */
class KeystoreCorruptionTest {
  @TempDir Path dir;
  private byte[] good;
  private final List<String> untyped = new ArrayList<>();
  private final List<EnvelopeContext> files = List.of(
      new EnvelopeContext("tenant-a", "f1"), new EnvelopeContext("tenant-a", "f2"),
      new EnvelopeContext("tenant-b", "f3"));
  private final List<DataKey> deks = List.of(DataKey.generate(), DataKey.generate(), DataKey.generate());
  private final List<KeySlot> slots = new ArrayList<>();

  @BeforeEach
  void createKeystore() throws Exception {
    Path ks = dir.resolve("keys.vgks");
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks, SECRET, FAST)) {
      p.ensureTenant("tenant-a");
      slots.add(p.wrap(files.get(0), deks.get(0)));
      p.rotate("tenant-a");
      slots.add(p.wrap(files.get(1), deks.get(1)));
      p.ensureTenant("tenant-b");
      slots.add(p.wrap(files.get(2), deks.get(2)));
    }
    good = Files.readAllBytes(ks);
  }

  @Test
  void everyFlippedByte_isRefusedWithATypedError() throws Exception {
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= (byte) 0x41;
      expectRefused("byte " + i + " flipped", bad);
    }
    assertThat(untyped).isEmpty();
  }

  @Test
  void everyTruncation_isRefusedWithATypedError() throws Exception {
    for (int n = 0; n < good.length; n++) {
      expectRefused("cut to " + n + " bytes", Arrays.copyOf(good, n));
    }
    assertThat(untyped).isEmpty();
  }

  @Test
  void wrongSecret_isProviderUnavailable_andSaysSo_withoutTheSecret() throws Exception {
    Path ks = write(good);
    MasterSecret wrong = MasterSecret.fromBytes("not the right one at all".getBytes(StandardCharsets.US_ASCII));
    try {
      KeystoreKeyProvider.open(ks, wrong).close();
      throw new AssertionError("opened with the wrong secret");
    } catch (CryptoException.ProviderUnavailable e) {
      assertThat(e.getMessage()).contains("wrong master secret").doesNotContain("not the right one");
    }
    assertThat(Files.readAllBytes(ks)).isEqualTo(good);
    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(ks, SECRET)) {
      EnvelopeContext ctx = new EnvelopeContext("tenant-a", "f");
      DataKey dek = DataKey.generate();
      KeySlot slot = p.wrap(ctx, dek);
      assertThat(p.unwrap(ctx, slot)).isEqualTo(dek);
    }
  }

  private void expectRefused(String what, byte[] bytes) throws Exception {
    Path ks = write(bytes);
    try (KeystoreKeyProvider p = KeystoreKeyProvider.open(ks, SECRET)) {
      for (int i = 0; i < slots.size(); i++) {
        if (!p.unwrap(files.get(i), slots.get(i)).equals(deks.get(i))) {
          untyped.add(what + ": opened, and a key changed");
        }
      }
      if (!p.versions("tenant-a").equals(List.of(1, 2)) || !p.versions("tenant-b").equals(List.of(1))) {
        untyped.add(what + ": opened, and its versions changed");
      }
    } catch (CryptoException.UnsupportedFormat | CryptoException.ProviderUnavailable expected) {
      assertThat(expected.getMessage()).as(what).contains(ks.toString());
    } catch (RuntimeException | OutOfMemoryError e) {
      untyped.add(what + ": " + e);
    }
    assertThat(Files.readAllBytes(ks)).as(what + ": the failed open wrote the file").isEqualTo(bytes);
  }

  private Path write(byte[] bytes) throws Exception {
    Path p = dir.resolve("damaged.vgks");
    Files.write(p, bytes);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    return p;
  }
}
