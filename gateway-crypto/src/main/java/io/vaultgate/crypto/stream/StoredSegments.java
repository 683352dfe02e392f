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
 * the final one). After a crash only the longest run of them from segment 0 that authenticates is
 * taken ({@link #replayAuthenticatedRunInto}). Not thread-safe; used once, while the writer is
 * built.
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
   * After a crash: authenticates the stored segments from segment 0 on and hands the longest run
   * of consecutive ones that authenticate to {@code sealer}, as {@link #replayInto} does (the last
   * of the run to be re-sealed later); returns the length of the file that holds just that run
   * (the header alone if it is empty). Writes nothing: the caller truncates the rest.
   *
   * <p>The run ends before the first segment that is torn (a trailing fragment shorter than a
   * segment's overhead, or bytes that authenticate under neither flag), or with the first one that
   * authenticates only as final: every segment of the run but its last authenticates as not
   * final, and its last may carry either flag, as for {@link #replayInto}. Every segment after the
   * run is left out, even one that would authenticate: a crash can tear several segments written
   * since the last flush (the page cache writes them back in any order), and the prefix alone is
   * what continues without a hole. Dropping authenticated bytes at the end is a truncation, which
   * anyone who can write the file can do anyway; nothing that does not authenticate is kept.
   *
   * @throws CryptoException.AuthenticationFailed if segment 0 is torn and any byte follows it: the
   *     object is not a torn tail of an upload but damaged from its start
   */
  long replayAuthenticatedRunInto(ContiguousSealer sealer) throws IOException {
    long size = file.size();
    long stride = segmentSize + (long) EnvelopeFormat.SEGMENT_OVERHEAD;
    long body = size - EnvelopeFormat.HEADER_SIZE;
    if (body <= 0) {
      return size; // the header alone: nothing was sealed
    }
    long slots = Math.min((body + stride - 1) / stride, EnvelopeFormat.MAX_SEGMENTS);
    byte[] current = buffers.buffer();
    byte[] held = buffers.buffer(); // the run's last segment so far, handed on once followed
    int heldLength = -1;
    long keep = EnvelopeFormat.HEADER_SIZE;
    try {
      for (long i = 0; i < slots; i++) {
        long offset = EnvelopeFormat.segmentOffset(i, segmentSize);
        int length = (int) Math.min(stride, size - offset);
        Opened opened =
            length < EnvelopeFormat.SEGMENT_OVERHEAD ? null : tryOpen(i, length, current);
        if (opened == null) {
          if (i == 0 && size > offset + length) {
            throw new CryptoException.AuthenticationFailed();
          }
          break;
        }
        if (heldLength >= 0) {
          sealer.adoptSealed(ByteBuffer.wrap(held, 0, heldLength)); // followed, so not the last
        }
        byte[] swap = held;
        held = current;
        current = swap;
        heldLength = opened.plainLength();
        keep = offset + length;
        if (opened.last()) {
          break; // a final segment ends the run: nothing after it may be kept
        }
      }
      if (heldLength >= 0) {
        sealer.reopenTail(ByteBuffer.wrap(held, 0, heldLength));
      }
    } finally {
      buffers.recycle(current);
      buffers.recycle(held);
    }
    return keep;
  }

  /** A stored segment that authenticated: its plaintext length, and whether it is final. */
  private record Opened(int plainLength, boolean last) {
  }

  /**
   * Reads segment {@code index} of {@code length} stored bytes and opens it under either flag (not
   * final first); null if it authenticates under neither (torn).
   */
  private Opened tryOpen(long index, int length, byte[] plain) throws IOException {
    ChannelIo.readFullyAt(file, EnvelopeFormat.segmentOffset(index, segmentSize),
        ByteBuffer.wrap(sealed, 0, length));
    try {
      return new Opened(cipher.open(index, false, sealed, 0, length, plain, 0), false);
    } catch (CryptoException.AuthenticationFailed notFollowed) {
      try {
        return new Opened(cipher.open(index, true, sealed, 0, length, plain, 0), true);
      } catch (CryptoException.AuthenticationFailed torn) {
        return null;
      }
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
        if (i == layout.count() - 1) {
          Opened opened = tryOpen(i, length, plain);
          if (opened == null) {
            throw new CryptoException.AuthenticationFailed();
          }
          sealer.reopenTail(ByteBuffer.wrap(plain, 0, opened.plainLength()));
        } else {
          ChannelIo.readFullyAt(file, EnvelopeFormat.segmentOffset(i, segmentSize),
              ByteBuffer.wrap(sealed, 0, length));
          int n = cipher.open(i, false, sealed, 0, length, plain, 0);
          sealer.adoptSealed(ByteBuffer.wrap(plain, 0, n));
        }
      }
    } finally {
      buffers.recycle(plain);
    }
  }
}
