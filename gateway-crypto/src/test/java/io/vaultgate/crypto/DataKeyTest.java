package io.vaultgate.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DataKeyTest {
  @Test
  void toString_neverShowsKeyBytes() {
    DataKey k = DataKey.generate();
    String hex = HexFormat.of().formatHex(k.toByteArray(InsecureKeyAccess.get()));
    assertThat(k.toString()).isEqualTo("DataKey[redacted]").doesNotContain(hex.substring(0, 8));
  }

  @Test
  void equalBytes_areEqual_differentBytesAreNot() {
    DataKey a = DataKey.generate();
    DataKey b = DataKey.fromBytes(a.toByteArray(InsecureKeyAccess.get()), InsecureKeyAccess.get());
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(DataKey.generate());
  }

  @Test
  void destroyedKey_zeroesAndRefusesAccess() {
    DataKey k = DataKey.generate();
    DataKey copy = DataKey.fromBytes(k.toByteArray(InsecureKeyAccess.get()), InsecureKeyAccess.get());
    k.destroy();
    assertThat(k.isDestroyed()).isTrue();
    assertThat(k).isNotEqualTo(copy);
    assertThat(k.toString()).isEqualTo("DataKey[destroyed]");
    assertThatThrownBy(() -> k.toByteArray(InsecureKeyAccess.get()))
        .isInstanceOf(CryptoException.KeyDestroyed.class);
  }

  @Test
  void importedBytes_areCopied_andMustBe32Bytes() {
    byte[] raw = new byte[32];
    DataKey k = DataKey.fromBytes(raw, InsecureKeyAccess.get());
    raw[0] = 1;
    assertThat(k.toByteArray(InsecureKeyAccess.get())[0]).isZero();
    assertThatThrownBy(() -> DataKey.fromBytes(new byte[16], InsecureKeyAccess.get()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void generatedKeys_differ() {
    assertThat(DataKey.generate()).isNotEqualTo(DataKey.generate());
  }
}
