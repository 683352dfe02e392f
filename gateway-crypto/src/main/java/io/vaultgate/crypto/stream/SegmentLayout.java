package io.vaultgate.crypto.stream;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.format.EnvelopeFormat;

/**
 * How the stored segments of an envelope lie, computed from its ciphertext length alone: every
 * segment but the last is {@code segmentSize + 28} bytes, the last is 28 to that many.
 *
 * @param count number of stored segments (0 only for a suspended file holding just its header)
 * @param lastLength ciphertext bytes of the last segment
 */
record SegmentLayout(long count, int lastLength) {

  /**
   * Computes the layout of {@code ciphertextSize} bytes.
   *
   * @throws CryptoException.AuthenticationFailed if no valid envelope has that length
   */
  static SegmentLayout of(long ciphertextSize, int segmentSize, boolean allowNoSegments) {
    long body = ciphertextSize - EnvelopeFormat.HEADER_SIZE;
    if (body < 0 || (body == 0 && !allowNoSegments)) {
      throw new CryptoException.AuthenticationFailed();
    }
    if (body == 0) {
      return new SegmentLayout(0, 0);
    }
    long stride = segmentSize + (long) EnvelopeFormat.SEGMENT_OVERHEAD;
    long count = (body + stride - 1) / stride;
    long last = body - (count - 1) * stride;
    if (last < EnvelopeFormat.SEGMENT_OVERHEAD || count > EnvelopeFormat.MAX_SEGMENTS) {
      throw new CryptoException.AuthenticationFailed();
    }
    return new SegmentLayout(count, (int) last);
  }

  int length(long index, int segmentSize) {
    return index == count - 1 ? lastLength : segmentSize + EnvelopeFormat.SEGMENT_OVERHEAD;
  }
}
