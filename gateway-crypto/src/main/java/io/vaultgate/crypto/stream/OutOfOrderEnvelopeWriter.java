package io.vaultgate.crypto.stream;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.internal.RandomSource;
import io.vaultgate.crypto.internal.SegmentCipher;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes an envelope from positional writes that may arrive out of order, as pipelined SFTP writes
 * do, onto a seekable file (same byte layout as {@link EnvelopeWriter}; segment {@code i} always
 * sits at {@link EnvelopeFormat#segmentOffset}).
 *
 * <p>The reorder window is the plaintext range {@code [contiguousLength(), (s + w) * S)}, where
 * {@code s} is the first unsealed segment, {@code w} the window in segments and {@code S} the
 * segment size. A write outside it fails with {@link CryptoException.WriteOutOfWindow}; rewriting
 * bytes below {@code contiguousLength()} is refused because they are already hashed and encrypted.
 * Bytes that arrive in order are encrypted straight from the caller's buffer; bytes that arrive
 * early wait in segment buffers until the gap before them fills. Segments are sealed strictly in
 * index order, each once a later byte proves it is not the last. Segment 0 is the exception: it is kept
 * in plaintext until then and sealed once, so a one-segment file is encrypted once, not three times.
 * Memory: at most {@code w} segment buffers (for early bytes), one for segment 0 while it is the head,
 * and one sealed-segment buffer.
 *
 * <p>The optional listener receives every plaintext byte exactly once, in order, in read-only
 * buffers valid only during the call, before the bytes are encrypted: a caller hashes the plaintext
 * in the same pass. {@link #resume} replays the existing plaintext to it first.
 *
 * <p>Ends: {@link #finish()} seals the final segment. {@link #suspend()} seals the contiguous data,
 * the partial tail as a non-final segment, so the file reads as incomplete but can be resumed; data
 * beyond a hole is dropped and {@link #committedLength()} says where to continue. {@link #close()}
 * alone keeps only what was already sealed. Every seal that reaches the file uses a fresh random
 * nonce, so a tail re-sealed after resume never repeats a (key, nonce) pair. Methods are
 * synchronized.
 */
public final class OutOfOrderEnvelopeWriter implements Closeable {
  /** A window of 64 segments: 4 MiB of reordering at the default segment size. */
  public static final int DEFAULT_WINDOW_SEGMENTS = 64;
  /** The largest window accepted: 4096 segments, 256 MiB of early bytes per upload at most. */
  public static final int MAX_WINDOW_SEGMENTS = 4096;

  private enum State { OPEN, FINISHED, SUSPENDED, CLOSED, FAILED }

  private final SeekableByteChannel file;
  private final SegmentCipher cipher;
  private final int segmentSize;
  private final int window;
  private final Consumer<ByteBuffer> listener;
  private final EarlyBytes early;
  private final byte[] sealed;
  /** Index of the first unsealed segment: the one being encrypted. */
  private long head;
  private boolean headOpen;
  /**
   * The plaintext of segment 0 while it is the head: it is sealed once, when a later byte or the end shows
   * whether it is the last, instead of being encrypted as it arrives and then opened and sealed again as
   * final. A file of one segment (most small files) thus costs one AES-GCM pass instead of three.
   */
  private byte[] firstPlain;
  private int sealedLength;
  private long contiguousEnd;
  private long maxEnd;
  private long committed;
  private State state = State.OPEN;

  private OutOfOrderEnvelopeWriter(
      SeekableByteChannel file, SegmentCipher cipher, int segmentSize, int window,
      Consumer<ByteBuffer> listener) {
    if (window < 1 || window > MAX_WINDOW_SEGMENTS) {
      throw new IllegalArgumentException(
          "window must be 1 to " + MAX_WINDOW_SEGMENTS + " segments, was " + window);
    }
    this.file = file;
    this.cipher = cipher;
    this.segmentSize = segmentSize;
    this.window = window;
    this.listener = listener == null ? b -> { } : listener;
    this.sealed = new byte[segmentSize + EnvelopeFormat.SEGMENT_OVERHEAD];
    this.early = new EarlyBytes(segmentSize);
  }

  /**
   * Starts a new envelope on {@code file} (truncated first), writing the header at once.
   *
   * @param plaintextListener receives the plaintext in order; may be null
   */
  public static OutOfOrderEnvelopeWriter create(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener) throws IOException {
    return create(dek, ctx, file, windowSegments, plaintextListener,
        EnvelopeFormat.DEFAULT_SEGMENT_SIZE, RandomSource.secure());
  }

  static OutOfOrderEnvelopeWriter create(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener, int segmentSize, RandomSource random)
      throws IOException {
    Objects.requireNonNull(file, "file");
    OpenedEnvelope env = OpenedEnvelope.create(dek, ctx, segmentSize, random);
    SegmentCipher cipher = cipherFor(env, ctx, random);
    file.truncate(0);
    ChannelIo.writeFullyAt(file, 0, ByteBuffer.wrap(env.headerBytes()));
    return new OutOfOrderEnvelopeWriter(file, cipher, segmentSize, windowSegments, plaintextListener);
  }

  /**
   * Reopens a suspended (or finished) envelope to continue writing at its end. Verifies every
   * stored segment, replays their plaintext to the listener, and takes the last segment back into
   * the cipher so it is re-sealed, with a fresh nonce, when more data arrives or the writer ends.
   *
   * @throws CryptoException.AuthenticationFailed if any stored byte does not authenticate
   */
  public static OutOfOrderEnvelopeWriter resume(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener) throws IOException {
    return resume(dek, ctx, file, windowSegments, plaintextListener, RandomSource.secure());
  }

  static OutOfOrderEnvelopeWriter resume(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener, RandomSource random) throws IOException {
    return reopen(dek, ctx, file, windowSegments, plaintextListener, random, false);
  }

  /**
   * Like {@link #resume}, for an upload interrupted by a crash rather than suspended: a last
   * segment that was only partly written (too short, or failing authentication) is dropped, and
   * writing continues after the last segment that authenticates. Every segment before it must
   * still authenticate. Dropping an unauthenticated tail is no worse than a truncation, which
   * anyone who can write the file can do anyway; {@link #committedLength()} tells the client
   * where to resume, and the result is still authenticated end to end.
   */
  public static OutOfOrderEnvelopeWriter recover(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener) throws IOException {
    return reopen(dek, ctx, file, windowSegments, plaintextListener, RandomSource.secure(), true);
  }

  static OutOfOrderEnvelopeWriter reopen(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener, RandomSource random, boolean dropTornTail)
      throws IOException {
    OpenedEnvelope env = OpenedEnvelope.read(dek, ctx, file);
    int segmentSize = env.segmentSize();
    SegmentCipher cipher = cipherFor(env, ctx, random);
    OutOfOrderEnvelopeWriter w =
        new OutOfOrderEnvelopeWriter(file, cipher, segmentSize, windowSegments, plaintextListener);
    if (dropTornTail) {
      w.dropTornTail();
    }
    w.replay(SegmentLayout.of(file.size(), segmentSize, true));
    return w;
  }

  /** Truncates a trailing partial segment that is too short or does not authenticate. */
  private void dropTornTail() throws IOException {
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
    byte[] plain = early.buffer();
    try {
      openEitherFlag(last, length, plain);
    } catch (CryptoException.AuthenticationFailed torn) {
      file.truncate(EnvelopeFormat.segmentOffset(last, segmentSize));
    } finally {
      early.recycle(plain);
    }
  }

  private static SegmentCipher cipherFor(OpenedEnvelope env, EnvelopeContext ctx, RandomSource r) {
    byte[] payloadKey = env.keys().payloadKey();
    env.keys().destroy();
    try {
      return new SegmentCipher(payloadKey, ctx, r);
    } finally {
      Arrays.fill(payloadKey, (byte) 0);
    }
  }

  private void replay(SegmentLayout layout) throws IOException {
    byte[] plain = early.buffer();
    try {
      for (long i = 0; i < layout.count(); i++) {
        int length = layout.length(i, segmentSize);
        ChannelIo.readFullyAt(file, EnvelopeFormat.segmentOffset(i, segmentSize),
            ByteBuffer.wrap(sealed, 0, length));
        boolean lastStored = i == layout.count() - 1;
        int n = lastStored ? openEitherFlag(i, length, plain) : cipher.open(i, false, sealed, 0,
            length, plain, 0);
        if (lastStored) {
          head = i;
          committed = contiguousEnd + n;
          feed(ByteBuffer.wrap(plain, 0, n)); // re-encrypted, with a fresh nonce, from the start
        } else {
          listener.accept(ByteBuffer.wrap(plain, 0, n).asReadOnlyBuffer());
          contiguousEnd += n;
        }
      }
    } finally {
      early.recycle(plain);
    }
    maxEnd = contiguousEnd;
  }

  private int openEitherFlag(long index, int length, byte[] plain) {
    try {
      return cipher.open(index, false, sealed, 0, length, plain, 0);
    } catch (CryptoException.AuthenticationFailed e) {
      return cipher.open(index, true, sealed, 0, length, plain, 0);
    }
  }

  /**
   * Accepts {@code src.remaining()} plaintext bytes at {@code offset}.
   *
   * @throws CryptoException.WriteOutOfWindow if the range leaves the reorder window
   */
  public synchronized void write(long offset, ByteBuffer src) throws IOException {
    requireState(State.OPEN);
    int len = src.remaining();
    long low = contiguousEnd;
    long high = Math.min((head + window) * segmentSize, EnvelopeFormat.MAX_SEGMENTS * segmentSize);
    if (offset < low || offset > high - len) {
      throw new CryptoException.WriteOutOfWindow("write of " + len + " bytes at offset " + offset
          + " is outside the reorder window [" + low + ", " + high + ")");
    }
    if (len == 0) {
      return;
    }
    try {
      maxEnd = Math.max(maxEnd, offset + len);
      if (offset == contiguousEnd) {
        feed(src);
      } else {
        early.keep(offset, src);
      }
      feedEarlyBytes();
      if (headOpen && contiguousEnd == headEnd() && maxEnd > contiguousEnd) {
        sealHead(); // complete, and a later byte exists: not the last segment
      }
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /** Plaintext bytes sealed to the file: what a {@link #resume} would find. */
  public synchronized long committedLength() {
    return committed;
  }

  /** Plaintext bytes received without a hole, from offset 0. */
  public synchronized long contiguousLength() {
    return contiguousEnd;
  }

  /**
   * Seals the final segment and truncates the file to its exact envelope size.
   *
   * @return the plaintext size
   * @throws IllegalStateException if the written data has a hole
   */
  public synchronized long finish() throws IOException {
    requireState(State.OPEN);
    if (maxEnd > contiguousEnd) {
      throw new IllegalStateException("cannot finish: no data at offset " + contiguousEnd
          + " but data up to " + maxEnd + " (sparse files are not supported)");
    }
    byte[] plain = early.buffer();
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
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    } finally {
      early.recycle(plain);
    }
    headOpen = false;
    state = State.FINISHED;
    release();
    return contiguousEnd;
  }

  /**
   * Seals all contiguous data, the partial tail as a non-final segment, so the file can be resumed.
   * Data received beyond a hole is dropped.
   *
   * @return the committed plaintext length, where a resumed upload continues
   */
  public synchronized long suspend() throws IOException {
    requireState(State.OPEN);
    try {
      if (headOpen) {
        sealHead();
      }
      file.truncate(contiguousEnd == 0
          ? EnvelopeFormat.HEADER_SIZE
          : EnvelopeFormat.segmentOffset(head - 1, segmentSize) + (contiguousEnd
              - (head - 1) * segmentSize) + EnvelopeFormat.SEGMENT_OVERHEAD);
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
    state = State.SUSPENDED;
    release();
    return committed;
  }

  /** Releases buffers; does not seal anything not yet sealed, and does not close the file. */
  @Override
  public synchronized void close() {
    if (state == State.OPEN || state == State.FAILED) {
      state = State.CLOSED;
    }
    release();
  }

  /** Hashes and encrypts bytes that continue the contiguous prefix, sealing segments as they fill. */
  private void feed(ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      if (headOpen && contiguousEnd == headEnd()) {
        sealHead(); // more bytes follow, so the full head is not the last segment
      }
      if (!headOpen) {
        if (head == 0) {
          firstPlain = early.buffer();
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

  /** Feeds early bytes that the last write made contiguous. */
  private void feedEarlyBytes() throws IOException {
    for (ByteBuffer run; (run = early.runAt(contiguousEnd)) != null; ) {
      feed(run);
    }
  }

  /** Completes the head segment as not final, writes it, and moves on to the next. */
  private void sealHead() throws IOException {
    if (firstPlain != null) {
      sealedLength = cipher.seal(head, false, firstPlain, 0, (int) contiguousEnd, sealed, 0);
      releaseFirst();
    } else {
      sealedLength += cipher.finish(sealed, sealedLength);
    }
    ChannelIo.writeFullyAt(file, EnvelopeFormat.segmentOffset(head, segmentSize),
        ByteBuffer.wrap(sealed, 0, sealedLength));
    committed = contiguousEnd;
    headOpen = false;
    early.sealed(head);
    head++;
  }

  private long headEnd() {
    return (head + 1) * segmentSize;
  }

  private void release() {
    releaseFirst();
    early.clear();
  }

  private void releaseFirst() {
    if (firstPlain != null) {
      early.recycle(firstPlain);
      firstPlain = null;
    }
  }

  private void requireState(State expected) {
    if (state != expected) {
      throw new IllegalStateException("writer is " + state.name().toLowerCase() + ", not "
          + expected.name().toLowerCase());
    }
  }
}
