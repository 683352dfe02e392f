package io.vaultgate.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 5869 test case 1 (HKDF-SHA256), with a new HMAC instance per step and with one re-keyed for all. */
class HkdfTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void rfc5869TestCase1() {
    byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
    byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    byte[] prk = Hkdf.extract(salt, ikm);
    assertThat(HEX.formatHex(prk))
        .isEqualTo("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    assertThat(HEX.formatHex(Hkdf.expand(prk, info, 42)))
        .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
            + "34007208d5b887185865");
  }

  /** The envelope's key schedule re-keys one instance for every step: each step's key is its own. */
  @Test
  void oneHmacInstance_reKeyedForEveryStep_givesTheSameKeys() {
    byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
    byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    javax.crypto.Mac mac = Hkdf.newHmac();
    Hkdf.hmac(mac, HEX.parseHex("ff".repeat(32)), info); // keyed with something else first

    byte[] prk = Hkdf.extract(mac, salt, ikm);
    assertThat(HEX.formatHex(prk))
        .isEqualTo("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    for (int i = 0; i < 3; i++) {
      assertThat(HEX.formatHex(Hkdf.expand(mac, prk, info, 42)))
          .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
              + "34007208d5b887185865");
      assertThat(Hkdf.hmac(mac, salt, ikm)).isEqualTo(prk);
    }
  }
}
