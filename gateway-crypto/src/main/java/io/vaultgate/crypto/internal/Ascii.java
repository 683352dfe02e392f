package io.vaultgate.crypto.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Length-prefixed encodings used in associated data and HKDF info strings. */
public final class Ascii {
  private Ascii() {}

  /** Appends {@code u8 length || ascii bytes}; the string must be at most 255 ASCII characters. */
  public static void putPrefixed(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    if (b.length > 255) {
      throw new IllegalArgumentException("string too long to length-prefix");
    }
    out.write(b.length);
    out.writeBytes(b);
  }

  /** Appends a big-endian 32-bit integer. */
  public static void putInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}
