package io.vaultgate.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomSourceTest {
  @Test
  void bufferedSource_neverServesTheSameBytesTwice_acrossRefills() {
    RandomSource r = RandomSource.secure();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) { // about six refills of the 4 KiB buffer
      byte[] nonce = new byte[12];
      r.nextBytes(nonce);
      assertThat(seen.add(HexFormat.of().formatHex(nonce))).as("draw %d", i).isTrue();
    }
  }

  @Test
  void requestsLargerThanTheBuffer_areServedDirectly() {
    byte[] big = new byte[10_000];
    RandomSource.secure().nextBytes(big);
    assertThat(big).isNotEqualTo(new byte[10_000]);
  }
}
