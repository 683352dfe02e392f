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
   * After a crash: the length of the file without its torn last segment, the one being written when
   * the process died, which is too short or does not authenticate. Only that one segment is left
   * out; every segment before it is left to {@link #replayInto}, which requires it to authenticate.
   * Nothing is changed here.
   */
  long lengthWithoutTornTail() throws IOException {
    long size = file.size();
    long stride = segmentSize + (long) EnvelopeFormat.SEGMENT_OVERHEAD;
    long body = size - EnvelopeFormat.HEADER_SIZE;
    if (body <= 0) {
      return size;
    }
    int rest = (int) (body % stride);
    if (rest > 0 && rest < EnvelopeFormat.SEGMENT_OVERHEAD) {
      return EnvelopeFormat.segmentOffset(body / stride, segmentSize); // a fragment of the torn segment
    }
    SegmentLayout layout = SegmentLayout.of(size, segmentSize, true);
    long last = layout.count() - 1;
    int length = layout.length(last, segmentSize);
    ChannelIo.readFullyAt(file, EnvelopeFormat.segmentOffset(last, segmentSize),
        ByteBuffer.wrap(sealed, 0, length));
    byte[] plain = buffers.buffer();
    try {
      openEitherFlag(last, length, plain);
      return size;
    } catch (CryptoException.AuthenticationFailed torn) {
      return EnvelopeFormat.segmentOffset(last, segmentSize);
    } finally {
      buffers.recycle(plain);
    }
  }

  /**
   * Authenticates every segment stored in the first {@code storedLength} bytes of the file, in
   * order, and hands it to {@code sealer}: the earlier ones as sealed, the last one to be re-sealed
   * later with a fresh nonce. Writes nothing.
   *
   * @throws CryptoException.AuthenticationFailed if any of those bytes does not authenticate, or
   *     the length is not that of stored segments
   */
  void replayInto(ContiguousSealer sealer, long storedLength) throws IOException {
    SegmentLayout layout = SegmentLayout.of(storedLength, segmentSize, true);
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
