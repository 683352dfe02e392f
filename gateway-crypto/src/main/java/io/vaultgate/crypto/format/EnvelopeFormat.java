package io.vaultgate.crypto.format;

/**
 * Constants and size arithmetic of the Vaultgate envelope, format version 1.
 *
 * <p>An envelope is a fixed {@value #HEADER_SIZE}-byte header (see {@link EnvelopeHeaderCodec})
 * followed by segments. Segment {@code i} holds plaintext bytes {@code [i*S, (i+1)*S)} for segment
 * size {@code S} and sits at ciphertext offset {@code HEADER_SIZE + i*(S+28)}:
 *
 * <pre>
 * 12 bytes  nonce (random, fresh for every seal)
 *  n bytes  AES-256-GCM ciphertext, n = S for every segment but the last, 0..S for the last
 * 16 bytes  GCM tag
 * </pre>
 *
 * <p>The last segment is sealed with the final flag; an empty file is a header and one empty final
 * segment. A file of exactly {@code k*S} bytes has {@code k} segments, the last one full and final.
 */
public final class EnvelopeFormat {
  /** "VGEF": Vaultgate envelope format. */
  public static final byte[] MAGIC = {'V', 'G', 'E', 'F'};
  /** The only format version this build writes and reads. */
  public static final int VERSION = 1;
  /** Suite 1: HKDF-SHA256 key schedule, AES-256-GCM segments, HMAC-SHA256 header MAC. */
  public static final int SUITE_AES256_GCM_HKDF_SHA256 = 1;
  /** Size of the fixed header in bytes. */
  public static final int HEADER_SIZE = 236;
  /** Plaintext bytes per segment written by default (64 KiB). */
  public static final int DEFAULT_SEGMENT_SIZE = 64 * 1024;
  /** Smallest segment size a reader accepts. */
  public static final int MIN_SEGMENT_SIZE = 4 * 1024;
  /** Largest segment size a reader accepts; bounds the memory of an open reader. */
  public static final int MAX_SEGMENT_SIZE = 1024 * 1024;
  /** Bytes of random nonce per segment. */
  public static final int NONCE_SIZE = 12;
  /** Bytes of GCM tag per segment. */
  public static final int TAG_SIZE = 16;
  /** Ciphertext bytes added to each segment (nonce and tag). */
  public static final int SEGMENT_OVERHEAD = NONCE_SIZE + TAG_SIZE;
  /**
   * Most segments one payload key may seal, counting a file's segments (re-seals of a resumed tail
   * add a handful). 2^28 random 96-bit nonces collide with probability below 2^-40; with 64 KiB
   * segments it allows files of 16 TiB.
   */
  public static final long MAX_SEGMENTS = 1L << 28;

  private EnvelopeFormat() {}

  /** Ciphertext size of a file of {@code plaintextSize} bytes at the default segment size. */
  public static long ciphertextSize(long plaintextSize) {
    return ciphertextSize(plaintextSize, DEFAULT_SEGMENT_SIZE);
  }

  /** Ciphertext size of a file of {@code plaintextSize} bytes at {@code segmentSize}. */
  public static long ciphertextSize(long plaintextSize, int segmentSize) {
    return HEADER_SIZE + plaintextSize + segmentCount(plaintextSize, segmentSize) * SEGMENT_OVERHEAD;
  }

  /** Number of segments of a complete file of {@code plaintextSize} bytes (at least one). */
  public static long segmentCount(long plaintextSize, int segmentSize) {
    if (plaintextSize < 0) {
      throw new IllegalArgumentException("plaintext size must be >= 0, was " + plaintextSize);
    }
    checkSegmentSize(segmentSize);
    long n = plaintextSize == 0 ? 1 : (plaintextSize + segmentSize - 1) / segmentSize;
    if (n > MAX_SEGMENTS) {
      throw new IllegalArgumentException("file too large for one envelope: " + plaintextSize);
    }
    return n;
  }

  /** Ciphertext offset of segment {@code index}. */
  public static long segmentOffset(long index, int segmentSize) {
    return HEADER_SIZE + index * (segmentSize + (long) SEGMENT_OVERHEAD);
  }

  /** True if a reader accepts {@code segmentSize}: a power of two in [4 KiB, 1 MiB]. */
  public static boolean isValidSegmentSize(int segmentSize) {
    return segmentSize >= MIN_SEGMENT_SIZE
        && segmentSize <= MAX_SEGMENT_SIZE
        && Integer.bitCount(segmentSize) == 1;
  }

  static void checkSegmentSize(int segmentSize) {
    if (!isValidSegmentSize(segmentSize)) {
      throw new IllegalArgumentException(
          "segment size must be a power of two in [4096, 1048576], was " + segmentSize);
    }
  }
}
