package io.vaultgate.crypto.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DataKeySealerTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SealContext CONTEXT = new SealContext("acme", "f_0123", "manila");

  private final SitePrivateKey site = SitePrivateKey.generate(RANDOM);
  private final DataKeySealer sealer = new DataKeySealer(RANDOM);
  private final DataKey dek = DataKey.generate();

  @TempDir
  Path dir;

  @Test
  void sealedKey_opensWithTheSiteKey_toTheSameDek() {
    assertThat(DataKeySealer.open(sealer.seal(dek, site.publicKey(), CONTEXT), site, CONTEXT)).isEqualTo(dek);
  }

  @Test
  void everySeal_usesAFreshEphemeralKey() {
    assertThat(sealer.seal(dek, site.publicKey(), CONTEXT)).isNotEqualTo(sealer.seal(dek, site.publicKey(), CONTEXT));
  }

  @Test
  void anotherSitesKey_failsToOpen() {
    SealedDataKey sealed = sealer.seal(dek, site.publicKey(), CONTEXT);
    SitePrivateKey other = SitePrivateKey.generate(RANDOM);

    assertThatThrownBy(() -> DataKeySealer.open(sealed, other, CONTEXT))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  @Test
  void anotherTenantFileOrSite_failsToOpen() {
    SealedDataKey sealed = sealer.seal(dek, site.publicKey(), CONTEXT);

    for (SealContext moved : new SealContext[] {new SealContext("globex", "f_0123", "manila"),
        new SealContext("acme", "f_0124", "manila"), new SealContext("acme", "f_0123", "pune")}) {
      assertThatThrownBy(() -> DataKeySealer.open(sealed, site, moved))
          .as(moved.toString()).isInstanceOf(CryptoException.AuthenticationFailed.class);
    }
  }

  static IntStream everyByteAfterTheVersion() {
    return IntStream.range(1, SealedDataKey.SIZE);
  }

  @ParameterizedTest
  @MethodSource("everyByteAfterTheVersion")
  void flippedBit_anywhere_failsToOpen(int offset) {
    byte[] bytes = sealer.seal(dek, site.publicKey(), CONTEXT).toBytes();
    bytes[offset] ^= 0x01;

    assertThatThrownBy(() -> DataKeySealer.open(SealedDataKey.parse(bytes), site, CONTEXT))
        .isInstanceOf(CryptoException.AuthenticationFailed.class)
        .hasMessage(CryptoException.AuthenticationFailed.MESSAGE);
  }

  @Test
  void truncatedOrExtended_isRejected_andAnotherVersionIsUnsupported() {
    byte[] bytes = sealer.seal(dek, site.publicKey(), CONTEXT).toBytes();

    assertThatThrownBy(() -> SealedDataKey.parse(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
    assertThatThrownBy(() -> SealedDataKey.parse(java.util.Arrays.copyOf(bytes, bytes.length + 1)))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
    assertThatThrownBy(() -> SealedDataKey.fromBase64("not base64!"))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
    bytes[0] = 2;
    assertThatThrownBy(() -> SealedDataKey.parse(bytes)).isInstanceOf(CryptoException.UnsupportedFormat.class);
  }

  @Test
  void lowOrderEphemeralPoint_isRefused() {
    byte[] bytes = sealer.seal(dek, site.publicKey(), CONTEXT).toBytes();
    java.util.Arrays.fill(bytes, 1, 33, (byte) 0);

    assertThatThrownBy(() -> DataKeySealer.open(SealedDataKey.parse(bytes), site, CONTEXT))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  @Test
  void keysRoundTripThroughPemFiles_andAPrivateKeyOthersCanReadIsRefused() throws Exception {
    Path key = dir.resolve("site.key");
    site.write(key);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(SitePrivateKey.read(key).publicKey()).isEqualTo(site.publicKey());
    Path pub = dir.resolve("site.pub");
    Files.writeString(pub, site.publicKey().toPem());
    assertThat(SitePublicKey.read(pub)).isEqualTo(site.publicKey());
    assertThat(SitePublicKey.fromBase64(site.publicKey().toBase64())).isEqualTo(site.publicKey());

    assertThatThrownBy(() -> site.write(key)).hasMessageContaining("refusing to overwrite");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> SitePrivateKey.read(key)).hasMessageContaining("chmod 600");
    assertThatThrownBy(() -> SitePublicKey.read(key)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PUBLIC KEY");
  }

  @Test
  void twoKeysWrittenToOnePathAtOnce_oneIsRefused_andTheFileHoldsTheOther() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 50; round++) {
        Path key = dir.resolve("race-" + round + ".key");
        SitePrivateKey[] keys = {SitePrivateKey.generate(RANDOM), SitePrivateKey.generate(RANDOM)};
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        java.util.List<java.util.concurrent.Future<Boolean>> written = new java.util.ArrayList<>();
        for (SitePrivateKey k : keys) {
          written.add(pool.submit(() -> {
            start.await();
            try {
              k.write(key);
              return true;
            } catch (java.io.IOException refused) {
              return false;
            }
          }));
        }
        boolean first = written.get(0).get();
        boolean second = written.get(1).get();
        assertThat(first ^ second).as("round %d: exactly one write succeeds", round).isTrue();
        SitePrivateKey winner = first ? keys[0] : keys[1];
        assertThat(SitePrivateKey.read(key).publicKey()).as("round %d: the file holds the winner's key", round)
            .isEqualTo(winner.publicKey());
      }
    } finally {
      pool.shutdownNow();
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void opensslKeys_areRead() throws Exception {
    Path key = dir.resolve("openssl.key");
    Path pub = dir.resolve("openssl.pub");
    Process gen = new ProcessBuilder("openssl", "genpkey", "-algorithm", "X25519", "-out", key.toString())
        .redirectErrorStream(true).start();
    assertThat(gen.waitFor()).isZero();
    Process out = new ProcessBuilder("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString())
        .redirectErrorStream(true).start();
    assertThat(out.waitFor()).isZero();
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

    SitePrivateKey fromOpenssl = SitePrivateKey.read(key);

    assertThat(fromOpenssl.publicKey()).isEqualTo(SitePublicKey.read(pub));
    assertThat(fromOpenssl.toString()).doesNotContain(java.util.HexFormat.of().formatHex(Files.readAllBytes(key)));
  }

  @Test
  void privateKey_isRedacted_andUnusableOnceDestroyed() {
    SitePrivateKey key = SitePrivateKey.generate(RANDOM);
    SealedDataKey sealed = sealer.seal(dek, key.publicKey(), CONTEXT);
    assertThat(key.toString()).contains("redacted");

    key.destroy();

    assertThat(key.toString()).isEqualTo("SitePrivateKey[destroyed]");
    assertThatThrownBy(() -> DataKeySealer.open(sealed, key, CONTEXT)).isInstanceOf(IllegalStateException.class);
  }
}
