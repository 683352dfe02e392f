package io.vaultgate.crypto.seal;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * PEM of raw X25519 keys, by their fixed DER prefixes (RFC 8410): a public key is a SubjectPublicKeyInfo
 * {@code 302a300506032b656e032100 || key}, a private key a PKCS#8 PrivateKeyInfo
 * {@code 302e020100300506032b656e04220420 || key}. Interoperable with {@code openssl genpkey -algorithm X25519}.
 */
final class SealPem {

  /** PEM label and DER prefix of one kind of key. */
  record Kind(String label, byte[] prefix) {}

  static final Kind PUBLIC = new Kind("PUBLIC KEY", HexFormat.of().parseHex("302a300506032b656e032100"));
  static final Kind PRIVATE = new Kind("PRIVATE KEY", HexFormat.of().parseHex("302e020100300506032b656e04220420"));

  private SealPem() {}

  static String encode(Kind kind, byte[] key) {
    byte[] der = new byte[kind.prefix().length + key.length];
    System.arraycopy(kind.prefix(), 0, der, 0, kind.prefix().length);
    System.arraycopy(key, 0, der, kind.prefix().length, key.length);
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    Arrays.fill(der, (byte) 0);
    return "-----BEGIN " + kind.label() + "-----\n" + body + "\n-----END " + kind.label() + "-----\n";
  }

  /** The 32 key bytes of a PEM block of {@code kind}; the caller zeroes them for a private key. */
  static byte[] decode(String pem, Kind kind) {
    String begin = "-----BEGIN " + kind.label() + "-----";
    String end = "-----END " + kind.label() + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("no PEM " + kind.label() + " block; give an X25519 key as written by "
          + "`openssl genpkey -algorithm X25519` (private) or `openssl pkey -pubout` (public)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM " + kind.label() + " block is not valid base64");
    }
    try {
      byte[] prefix = kind.prefix();
      if (der.length != prefix.length + 32
          || !Arrays.equals(der, 0, prefix.length, prefix, 0, prefix.length)) {
        throw new IllegalArgumentException("the PEM " + kind.label() + " is not an X25519 key (OID 1.3.101.110)");
      }
      return Arrays.copyOfRange(der, prefix.length, der.length);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }
}
