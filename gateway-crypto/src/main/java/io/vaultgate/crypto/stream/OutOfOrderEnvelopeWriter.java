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
 * Bytes that arrive in order go straight to the {@link ContiguousSealer}, which encrypts them from
 * the caller's buffer; bytes that arrive early wait in {@link EarlyBytes} until the gap before them
 * fills. Segments are sealed strictly in index order, each once a later byte proves it is not the
 * last. {@link #resume} and {@link #recover} rebuild the writer from the stored segments ({@link
 * StoredSegments}). Memory: at most {@code w} segment buffers for early bytes, and no more than the
 * {@link ReorderMemory} shared by the process's writers, and the tenant's {@link ReorderShare} of
 * it, have left (a writer created without one has its window's worth to itself); one buffer for segment 0 while it is the head, one sealed-segment
 * buffer, and at most {@link SegmentBufferPool#MAX_FREE} free buffers kept for reuse.
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

  private final int segmentSize;
  private final int window;
  private final SegmentBufferPool buffers;
  private final EarlyBytes early;
  private final ContiguousSealer sealer;
  private long maxEnd;
  private State state = State.OPEN;

  private OutOfOrderEnvelopeWriter(
      SeekableByteChannel file, SegmentCipher cipher, int segmentSize, int window,
      Consumer<ByteBuffer> listener, ReorderShare memory) {
    if (window < 1 || window > MAX_WINDOW_SEGMENTS) {
      throw new IllegalArgumentException(
          "window must be 1 to " + MAX_WINDOW_SEGMENTS + " segments, was " + window);
    }
    this.segmentSize = segmentSize;
    this.window = window;
    this.buffers = new SegmentBufferPool(segmentSize);
    this.early = new EarlyBytes(buffers,
        memory != null ? memory : ReorderShare.ofItsOwn((long) window * segmentSize));
    this.sealer = new ContiguousSealer(file, cipher, buffers, listener == null ? b -> { } : listener,
        early::sealed);
  }

  /**
   * Starts a new envelope on {@code file} (truncated first), writing the header at once.
   *
   * @param plaintextListener receives the plaintext in order; may be null
   */
  public static OutOfOrderEnvelopeWriter create(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener) throws IOException {
    return create(dek, ctx, file, windowSegments, plaintextListener, null);
  }

  /**
   * Like {@link #create(DataKey, EnvelopeContext, SeekableByteChannel, int, Consumer)}, keeping early
   * bytes in {@code memory}, the tenant's share of the memory of the process's writers.
   */
  public static OutOfOrderEnvelopeWriter create(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener, ReorderShare memory) throws IOException {
    return create(dek, ctx, file, windowSegments, plaintextListener,
        EnvelopeFormat.DEFAULT_SEGMENT_SIZE, RandomSource.secure(), memory);
  }

  static OutOfOrderEnvelopeWriter create(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener, int segmentSize, RandomSource random)
      throws IOException {
    return create(dek, ctx, file, windowSegments, plaintextListener, segmentSize, random, null);
  }

  static OutOfOrderEnvelopeWriter create(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener, int segmentSize, RandomSource random,
      ReorderShare memory) throws IOException {
    Objects.requireNonNull(file, "file");
    OpenedEnvelope env = OpenedEnvelope.create(dek, ctx, segmentSize, random);
    SegmentCipher cipher = env.segmentCipher(ctx, random);
    file.truncate(0);
    ChannelIo.writeFullyAt(file, 0, ByteBuffer.wrap(env.headerBytes()));
    return new OutOfOrderEnvelopeWriter(file, cipher, segmentSize, windowSegments, plaintextListener,
        memory);
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
    return resume(dek, ctx, file, windowSegments, plaintextListener, (ReorderShare) null);
  }

  /**
   * Like {@link #resume(DataKey, EnvelopeContext, SeekableByteChannel, int, Consumer)}, keeping
   * early bytes in {@code memory}, the tenant's share of the memory of the process's writers.
   */
  public static OutOfOrderEnvelopeWriter resume(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener, ReorderShare memory) throws IOException {
    return reopen(dek, ctx, file, windowSegments, plaintextListener, RandomSource.secure(), false,
        memory);
  }

  static OutOfOrderEnvelopeWriter resume(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener, RandomSource random) throws IOException {
    return reopen(dek, ctx, file, windowSegments, plaintextListener, random, false, null);
  }

  /**
   * Like {@link #resume}, for an upload interrupted by a crash rather than suspended: keeps the
   * longest run of consecutive segments from segment 0 that authenticate, truncates the file after
   * it, and writing continues there. A crash (a power loss above all) can tear more than the
   * segment being written: every segment written since the data was last flushed may be missing,
   * zeroed or stale, in any order, so the run ends before the first segment that is too short or
   * authenticates under neither flag, and everything after it goes, even segments that would
   * authenticate. Every segment of the run but its last must authenticate as not final; the run
   * ends with the first one that authenticates only as final. Refused, with the file left as it
   * was, if the header does not authenticate, or segment 0 does not while any byte follows it.
   * The file is truncated only once the run has authenticated. Dropping what does not
   * authenticate, and what follows it, is no worse than a truncation, which anyone who can write
   * the file can do anyway; {@link #committedLength()} tells the client where to resume, the
   * listener is replayed exactly the kept plaintext, and the result is still authenticated end to
   * end.
   */
  public static OutOfOrderEnvelopeWriter recover(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener) throws IOException {
    return recover(dek, ctx, file, windowSegments, plaintextListener, null);
  }

  /**
   * Like {@link #recover(DataKey, EnvelopeContext, SeekableByteChannel, int, Consumer)}, keeping
   * early bytes in {@code memory}, the tenant's share of the memory of the process's writers.
   */
  public static OutOfOrderEnvelopeWriter recover(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener, ReorderShare memory) throws IOException {
    return reopen(dek, ctx, file, windowSegments, plaintextListener, RandomSource.secure(), true,
        memory);
  }

  static OutOfOrderEnvelopeWriter reopen(
      DataKey dek, EnvelopeContext ctx, SeekableByteChannel file, int windowSegments,
      Consumer<ByteBuffer> plaintextListener, RandomSource random, boolean recovering,
      ReorderShare memory) throws IOException {
    OpenedEnvelope env = OpenedEnvelope.read(dek, ctx, file);
    SegmentCipher cipher = env.segmentCipher(ctx, random);
    OutOfOrderEnvelopeWriter w = new OutOfOrderEnvelopeWriter(
        file, cipher, env.segmentSize(), windowSegments, plaintextListener, memory);
    StoredSegments stored = new StoredSegments(file, cipher, w.buffers);
    long size = file.size();
    long keep;
    if (recovering) {
      keep = stored.replayAuthenticatedRunInto(w.sealer);
    } else {
      stored.replayInto(w.sealer, size);
      keep = size;
    }
    if (keep < size) {
      file.truncate(keep); // only once everything kept has authenticated
    }
    w.maxEnd = w.sealer.contiguousEnd();
    return w;
  }

  /**
   * Accepts {@code src.remaining()} plaintext bytes at {@code offset}.
   *
   * @throws CryptoException.WriteOutOfWindow if the range leaves the reorder window
   * @throws CryptoException.ReorderMemoryFull if it arrived ahead of a gap and the process's reorder
   *     memory, or the tenant's share of it, cannot hold it; nothing of it was kept and the writer
   *     stays open
   */
  public synchronized void write(long offset, ByteBuffer src) throws IOException {
    requireState(State.OPEN);
    int len = src.remaining();
    long low = sealer.contiguousEnd();
    long high = Math.min((sealer.head() + window) * segmentSize,
        EnvelopeFormat.MAX_SEGMENTS * segmentSize);
    if (offset < low || offset > high - len) {
      throw new CryptoException.WriteOutOfWindow("write of " + len + " bytes at offset " + offset
          + " is outside the reorder window [" + low + ", " + high + ")");
    }
    if (len == 0) {
      return;
    }
    try {
      if (offset == low) {
        sealer.append(src);
      } else {
        early.keep(offset, src);
      }
      maxEnd = Math.max(maxEnd, offset + len);
      for (ByteBuffer run; (run = early.runAt(sealer.contiguousEnd())) != null; ) {
        sealer.append(run); // early bytes the write made contiguous
      }
      sealer.sealHeadIfFollowed(maxEnd);
    } catch (CryptoException.ReorderMemoryFull e) {
      throw e; // nothing changed
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /** The envelope's segment size, in plaintext bytes. */
  public int segmentSize() {
    return segmentSize;
  }

  /** Plaintext bytes sealed to the file: what a {@link #resume} would find. */
  public synchronized long committedLength() {
    return sealer.committed();
  }

  /** Plaintext bytes received without a hole, from offset 0. */
  public synchronized long contiguousLength() {
    return sealer.contiguousEnd();
  }

  /**
   * Seals the final segment and truncates the file to its exact envelope size.
   *
   * @return the plaintext size
   * @throws IllegalStateException if the written data has a hole
   */
  public synchronized long finish() throws IOException {
    requireState(State.OPEN);
    long contiguousEnd = sealer.contiguousEnd();
    if (maxEnd > contiguousEnd) {
      throw new IllegalStateException("cannot finish: no data at offset " + contiguousEnd
          + " but data up to " + maxEnd + " (sparse files are not supported)");
    }
    return end(State.FINISHED, sealer::finish);
  }

  /**
   * Seals all contiguous data, the partial tail as a non-final segment, so the file can be resumed.
   * Data received beyond a hole is dropped.
   *
   * @return the committed plaintext length, where a resumed upload continues
   */
  public synchronized long suspend() throws IOException {
    requireState(State.OPEN);
    return end(State.SUSPENDED, sealer::suspend);
  }

  /** Releases buffers; does not seal anything not yet sealed, and does not close the file. */
  @Override
  public synchronized void close() {
    if (state == State.OPEN || state == State.FAILED) {
      state = State.CLOSED;
    }
    release();
  }

  private interface Ending {
    long run() throws IOException;
  }

  /** Runs {@code ending}; on success moves to {@code next} and releases the buffers. */
  private long end(State next, Ending ending) throws IOException {
    long result;
    try {
      result = ending.run();
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
    state = next;
    release();
    return result;
  }

  private void release() {
    sealer.release();
    early.clear();
    buffers.clear();
  }

  private void requireState(State expected) {
    if (state != expected) {
      throw new IllegalStateException("writer is " + state.name().toLowerCase() + ", not "
          + expected.name().toLowerCase());
    }
  }
}
