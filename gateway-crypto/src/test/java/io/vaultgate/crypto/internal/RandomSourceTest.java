package io.vaultgate.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
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

  @Test
  void aSmallFilesSaltAndNonces_fetchLittleFromThePlatform_andLongerUseFetches4KiBAtATime() {
    List<Integer> fetches = new ArrayList<>();
    SecureRandom platform = new SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        fetches.add(bytes.length);
        super.nextBytes(bytes);
      }
    };
    RandomSource r = new RandomSource.BufferedSecureRandom(platform);
    r.nextBytes(new byte[32]); // a 64 KiB file's salt and two nonces
    r.nextBytes(new byte[12]);
    r.nextBytes(new byte[12]);
    assertThat(fetches).containsExactly(RandomSource.BufferedSecureRandom.FIRST_FETCH);

    for (int i = 0; i < 2000; i++) {
      r.nextBytes(new byte[12]);
    }
    assertThat(fetches.get(fetches.size() - 1)).isEqualTo(4096);
    assertThat(fetches).hasSizeLessThan(16);
  }
}
