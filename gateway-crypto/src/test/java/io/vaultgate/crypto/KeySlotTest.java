package io.vaultgate.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeySlotTest {
  private static final KeySlot SLOT = new KeySlot("keystore", new KekId("tenant-a", 3), new byte[] {1, 2, 3});

  @Test
  void encoding_roundTrips() {
    assertThat(KeySlot.fromBytes(SLOT.toBytes())).isEqualTo(SLOT);
  }

  @Test
  void wrappedBytes_areCopiedInAndOut() {
    byte[] w = {9, 9};
    KeySlot s = new KeySlot("p", new KekId("t", 1), w);
    w[0] = 0;
    s.wrapped()[1] = 0;
    assertThat(s.wrapped()).containsExactly(9, 9);
  }

  @Test
  void equality_comparesWrappedBytesByValue() {
    KeySlot same = new KeySlot("keystore", new KekId("tenant-a", 3), new byte[] {1, 2, 3});
    assertThat(SLOT).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(SLOT).isNotEqualTo(new KeySlot("keystore", new KekId("tenant-a", 3), new byte[] {1, 2, 4}));
  }

  @Test
  void malformedEncodings_areUnsupportedFormat() {
    byte[] good = SLOT.toBytes();
    for (int cut = 0; cut < good.length; cut++) {
      byte[] truncated = Arrays.copyOf(good, cut);
      assertThatThrownBy(() -> KeySlot.fromBytes(truncated))
          .as("truncated to %d", cut)
          .isInstanceOf(CryptoException.UnsupportedFormat.class);
    }
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> KeySlot.fromBytes(longer))
        .isInstanceOf(CryptoException.UnsupportedFormat.class);
    byte[] version = good.clone();
    version[0] = 2;
    assertThatThrownBy(() -> KeySlot.fromBytes(version))
        .isInstanceOf(CryptoException.UnsupportedFormat.class);
  }

  @Test
  void kekVersionBelowOne_isRejected() {
    assertThatThrownBy(() -> new KekId("t", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
