package io.vaultgate.crypto.stream;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.internal.SegmentCipher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * The resume half of {@link OutOfOrderEnvelopeWriter}: the segments already stored in a suspended,
 * finished or crashed envelope, authenticated one by one and handed to a {@link ContiguousSealer} so
 * that writing continues after them. Every segment but the last must authenticate as not final;
 * the last may carry either flag (a suspended file ends with a non-final one, a finished file with
 * the final one). Not thread-safe; used once, while the writer is built.
 */
final class StoredSegments {
  private final SeekableByteChannel file;
  private final SegmentCipher cipher;
  private final SegmentBufferPool buffers;
  private final int segmentSize;
  private final byte[] sealed;

  StoredSegments(SeekableByteChannel file, SegmentCipher cipher, SegmentBufferPool buffers) {
    this.file = file;
    this.cipher = cipher;
    this.buffers = buffers;
    this.segmentSize = buffers.segmentSize();
    this.sealed = new byte[segmentSize + EnvelopeFormat.SEGMENT_OVERHEAD];
  }

  /**
   * After a crash: truncates a trailing partial segment that is too short or does not authenticate
   * (a segment torn while it was written). Earlier segments are left to {@link #replayInto}.
   */
  void dropTornTail() throws IOException {
    long stride = segmentSize + (long) EnvelopeFormat.SEGMENT_OVERHEAD;
    long body = file.size() - EnvelopeFormat.HEADER_SIZE;
    long full = body / stride;
    int rest = (int) (body % stride);
    if (rest > 0 && rest < EnvelopeFormat.SEGMENT_OVERHEAD) {
      file.truncate(EnvelopeFormat.segmentOffset(full, segmentSize));
    }
    SegmentLayout layout = SegmentLayout.of(file.size(), segmentSize, true);
    if (layout.count() == 0) {
      return;
    }
    long last = layout.count() - 1;
    int length = layout.length(last, segmentSize);
    ChannelIo.readFullyAt(file, EnvelopeFormat.segmentOffset(last, segmentSize),
        ByteBuffer.wrap(sealed, 0, length));
    byte[] plain = buffers.buffer();
    try {
      openEitherFlag(last, length, plain);
    } catch (CryptoException.AuthenticationFailed torn) {
      file.truncate(EnvelopeFormat.segmentOffset(last, segmentSize));
    } finally {
      buffers.recycle(plain);
    }
  }

  /**
   * Authenticates every stored segment in order and hands it to {@code sealer}: the earlier ones
   * as sealed, the last one to be re-sealed later with a fresh nonce.
   *
   * @throws CryptoException.AuthenticationFailed if any stored byte does not authenticate, or the
   *     file length is not that of stored segments
   */
  void replayInto(ContiguousSealer sealer) throws IOException {
    SegmentLayout layout = SegmentLayout.of(file.size(), segmentSize, true);
    byte[] plain = buffers.buffer();
    try {
      for (long i = 0; i < layout.count(); i++) {
        int length = layout.length(i, segmentSize);
        ChannelIo.readFullyAt(file, EnvelopeFormat.segmentOffset(i, segmentSize),
            ByteBuffer.wrap(sealed, 0, length));
        if (i == layout.count() - 1) {
          int n = openEitherFlag(i, length, plain);
          sealer.reopenTail(ByteBuffer.wrap(plain, 0, n));
        } else {
          int n = cipher.open(i, false, sealed, 0, length, plain, 0);
          sealer.adoptSealed(ByteBuffer.wrap(plain, 0, n));
        }
      }
    } finally {
      buffers.recycle(plain);
    }
  }

  private int openEitherFlag(long index, int length, byte[] plain) {
    try {
      return cipher.open(index, false, sealed, 0, length, plain, 0);
    } catch (CryptoException.AuthenticationFailed e) {
      return cipher.open(index, true, sealed, 0, length, plain, 0);
    }
  }
}
