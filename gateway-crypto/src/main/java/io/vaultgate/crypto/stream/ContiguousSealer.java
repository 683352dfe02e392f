package io.vaultgate.crypto.stream;

import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.internal.SegmentCipher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The in-order half of {@link OutOfOrderEnvelopeWriter}: takes the bytes that continue the
 * contiguous plaintext prefix, hands them to the listener, encrypts them into the <em>head</em>
 * (the first unsealed segment) and writes each segment at its fixed offset once a later byte proves
 * it is not the last. Bytes are encrypted straight from the caller's buffer; segment 0 is the
 * exception: it is kept in plaintext while it is the head and sealed once, when a later byte or the
 * end shows whether it is the last, so a one-segment file (most small files) costs one AES-GCM pass
 * instead of three. Memory: one sealed-segment buffer, and one plaintext buffer for segment 0 while
 * it is the head. Not thread-safe.
 */
final class ContiguousSealer {
  private final SeekableByteChannel file;
  private final SegmentCipher cipher;
  private final int segmentSize;
  private final Consumer<ByteBuffer> listener;
  private final SegmentBufferPool buffers;
  private final LongConsumer segmentSealed;
  private final byte[] sealed;
  /** Index of the first unsealed segment: the one being encrypted. */
  private long head;
  private boolean headOpen;
  /** The plaintext of segment 0 while it is the head and open; null otherwise. */
  private byte[] firstPlain;
  private int sealedLength;
  private long contiguousEnd;
  private long committed;

  /**
   * @param listener receives every plaintext byte once, in order, before it is encrypted
   * @param segmentSealed told the index of every segment once it is sealed and written
   */
  ContiguousSealer(SeekableByteChannel file, SegmentCipher cipher, SegmentBufferPool buffers,
      Consumer<ByteBuffer> listener, LongConsumer segmentSealed) {
    this.file = file;
    this.cipher = cipher;
    this.segmentSize = buffers.segmentSize();
    this.buffers = buffers;
    this.listener = listener;
    this.segmentSealed = segmentSealed;
    this.sealed = new byte[segmentSize + EnvelopeFormat.SEGMENT_OVERHEAD];
  }

  /** Index of the first unsealed segment. */
  long head() {
    return head;
  }

  /** Plaintext bytes received without a hole, from offset 0. */
  long contiguousEnd() {
    return contiguousEnd;
  }

  /** Plaintext bytes sealed to the file. */
  long committed() {
    return committed;
  }

  /** Hands on and encrypts bytes that continue the contiguous prefix, sealing segments as they fill. */
  void append(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      if (headOpen && contiguousEnd == headEnd()) {
        sealHead(); // more bytes follow, so the full head is not the last segment
      }
      if (!headOpen) {
        if (head == 0) {
          firstPlain = buffers.buffer();
        } else {
          sealedLength = cipher.begin(head, sealed, 0);
        }
        headOpen = true;
      }
      int k = (int) Math.min(src.remaining(), headEnd() - contiguousEnd);
      ByteBuffer piece = src.slice(src.position(), k);
      listener.accept(piece.asReadOnlyBuffer());
      if (firstPlain != null) {
        piece.get(firstPlain, (int) contiguousEnd, k);
      } else {
        sealedLength += cipher.update(piece, sealed, sealedLength);
      }
      src.position(src.position() + k);
      contiguousEnd += k;
    }
  }

  /** Seals the head if it is full and bytes beyond the prefix ({@code maxEnd}) prove it is not the last. */
  void sealHeadIfFollowed(long maxEnd) throws IOException {
    if (headOpen && contiguousEnd == headEnd() && maxEnd > contiguousEnd) {
      sealHead();
    }
  }

  /**
   * Takes a stored, already authenticated, non-last segment as sealed: its plaintext goes to the
   * listener and the prefix moves past it; nothing is written.
   */
  void adoptSealed(ByteBuffer plain) {
    listener.accept(plain.asReadOnlyBuffer());
    contiguousEnd += plain.remaining();
    committed = contiguousEnd;
    head++;
  }

  /**
   * Takes the stored last segment back: it counts as committed, and its plaintext is encrypted
   * again from the start, to be re-sealed with a fresh nonce when more data arrives or the writer
   * ends.
   */
  void reopenTail(ByteBuffer plain) throws IOException {
    committed = contiguousEnd + plain.remaining();
    append(plain);
  }

  /**
   * Seals the head as the final segment, writes it and truncates the file to its exact envelope
   * size.
   *
   * @return the plaintext size
   */
  long finish() throws IOException {
    byte[] plain = buffers.buffer();
    try {
      int length;
      if (head == 0) {
        // Segment 0 is still plaintext (or there is none: an empty file): seal it once, as final.
        byte[] first = firstPlain != null ? firstPlain : plain;
        length = cipher.seal(head, true, first, 0, (int) contiguousEnd, sealed, 0);
      } else {
        if (!headOpen) {
          sealedLength = cipher.begin(head, sealed, 0);
        }
        // The head was encrypted as not final; open that (never written) seal and seal it as final.
        sealedLength += cipher.finish(sealed, sealedLength);
        int n = cipher.open(head, false, sealed, 0, sealedLength, plain, 0);
        length = cipher.seal(head, true, plain, 0, n, sealed, 0);
      }
      ChannelIo.writeFullyAt(file, EnvelopeFormat.segmentOffset(head, segmentSize),
          ByteBuffer.wrap(sealed, 0, length));
      file.truncate(EnvelopeFormat.ciphertextSize(contiguousEnd, segmentSize));
      committed = contiguousEnd;
    } finally {
      buffers.recycle(plain);
    }
    headOpen = false;
    return contiguousEnd;
  }

  /**
   * Seals the contiguous data, a partial head as an ordinary non-final segment, and truncates the
   * file after it, so the file can be resumed.
   *
   * @return the committed plaintext length
   */
  long suspend() throws IOException {
    if (headOpen) {
      sealHead();
    }
    file.truncate(contiguousEnd == 0
        ? EnvelopeFormat.HEADER_SIZE
        : EnvelopeFormat.segmentOffset(head - 1, segmentSize) + (contiguousEnd
            - (head - 1) * segmentSize) + EnvelopeFormat.SEGMENT_OVERHEAD);
    return committed;
  }

  /** Zeroes and gives back the plaintext of segment 0, if still held. */
  void release() {
    if (firstPlain != null) {
      buffers.recycle(firstPlain);
      firstPlain = null;
    }
  }

  /** Completes the head segment as not final, writes it, and moves on to the next. */
  private void sealHead() throws IOException {
    if (firstPlain != null) {
      sealedLength = cipher.seal(head, false, firstPlain, 0, (int) contiguousEnd, sealed, 0);
      release();
    } else {
      sealedLength += cipher.finish(sealed, sealedLength);
    }
    ChannelIo.writeFullyAt(file, EnvelopeFormat.segmentOffset(head, segmentSize),
        ByteBuffer.wrap(sealed, 0, sealedLength));
    committed = contiguousEnd;
    headOpen = false;
    segmentSealed.accept(head);
    head++;
  }

  private long headEnd() {
    return (head + 1) * segmentSize;
  }
}
