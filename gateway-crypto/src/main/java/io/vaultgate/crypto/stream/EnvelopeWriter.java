package io.vaultgate.crypto.stream;

import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.internal.RandomSource;
import io.vaultgate.crypto.internal.SegmentCipher;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * An encrypting channel: plaintext written to it leaves as a Vaultgate envelope (see {@link
 * EnvelopeFormat}) on the sink, header first, then one sealed segment per 64 KiB.
 *
 * <p>Accepts writes of any size. A full segment is sealed only once the next byte arrives, because
 * until then it might be the last one, which carries the final flag. {@link #finish()} seals the
 * final segment and leaves the sink open (for an fsync); {@link #close()} finishes and closes the
 * sink. After a failed write to the sink the writer refuses further writes and {@code close()} does
 * not seal, so a broken stream can never look complete. Memory: two segment buffers. Not
 * thread-safe.
 */
public final class EnvelopeWriter implements WritableByteChannel {
  private final WritableByteChannel sink;
  private final SegmentCipher cipher;
  private final int segmentSize;
  private final byte[] plain;
  private final byte[] sealed;
  private int filled;
  private long index;
  private long plaintextSize;
  private boolean open = true;
  private boolean finished;
  private boolean failed;

  private EnvelopeWriter(WritableByteChannel sink, SegmentCipher cipher, int segmentSize) {
    this.sink = sink;
    this.cipher = cipher;
    this.segmentSize = segmentSize;
    this.plain = new byte[segmentSize];
    this.sealed = new byte[segmentSize + EnvelopeFormat.SEGMENT_OVERHEAD];
  }

  /** Starts an envelope for {@code ctx} on {@code sink}, writing its header at once. */
  public static EnvelopeWriter open(DataKey dek, EnvelopeContext ctx, WritableByteChannel sink)
      throws IOException {
    return open(dek, ctx, sink, EnvelopeFormat.DEFAULT_SEGMENT_SIZE, RandomSource.secure());
  }

  static EnvelopeWriter open(
      DataKey dek, EnvelopeContext ctx, WritableByteChannel sink, int segmentSize, RandomSource random)
      throws IOException {
    Objects.requireNonNull(sink, "sink");
    OpenedEnvelope env = OpenedEnvelope.create(dek, ctx, segmentSize, random);
    byte[] payloadKey = env.keys().payloadKey();
    env.keys().destroy();
    SegmentCipher cipher = new SegmentCipher(payloadKey, ctx, random);
    Arrays.fill(payloadKey, (byte) 0);
    ChannelIo.writeFully(sink, ByteBuffer.wrap(env.headerBytes()));
    return new EnvelopeWriter(sink, cipher, segmentSize);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ensureWritable();
    int n = src.remaining();
    try {
      while (src.hasRemaining()) {
        if (filled == segmentSize) {
          seal(plain, 0, segmentSize, false);
          filled = 0;
        }
        if (filled == 0 && src.hasArray() && src.remaining() > segmentSize) {
          // Whole segment straight from the caller's array; more bytes follow, so not final.
          seal(src.array(), src.arrayOffset() + src.position(), segmentSize, false);
          src.position(src.position() + segmentSize);
          continue;
        }
        int k = Math.min(src.remaining(), segmentSize - filled);
        src.get(plain, filled, k);
        filled += k;
      }
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
    plaintextSize += n;
    return n;
  }

  /** Seals the final segment without closing the sink. Idempotent. */
  public void finish() throws IOException {
    if (finished && open) {
      return;
    }
    ensureWritable();
    try {
      seal(plain, 0, filled, true);
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
    filled = 0;
    finished = true;
    Arrays.fill(plain, (byte) 0);
  }

  /** Plaintext bytes accepted so far. */
  public long plaintextSize() {
    return plaintextSize;
  }

  /** An {@code OutputStream} view of this channel; closing it closes the writer. */
  public OutputStream outputStream() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        EnvelopeWriter.this.write(ByteBuffer.wrap(new byte[] {(byte) b}));
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        EnvelopeWriter.this.write(ByteBuffer.wrap(b, off, len));
      }

      @Override
      public void close() throws IOException {
        EnvelopeWriter.this.close();
      }
    };
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Finishes the envelope (unless a write failed) and closes the sink. */
  @Override
  public void close() throws IOException {
    if (!open) {
      return;
    }
    try {
      if (!finished && !failed) {
        finish();
      }
    } finally {
      open = false;
      Arrays.fill(plain, (byte) 0);
      sink.close();
    }
  }

  private void seal(byte[] src, int off, int len, boolean last) throws IOException {
    int n = cipher.seal(index, last, src, off, len, sealed, 0);
    ChannelIo.writeFully(sink, ByteBuffer.wrap(sealed, 0, n));
    index++;
  }

  private void ensureWritable() throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    if (failed) {
      throw new IOException("envelope writer failed earlier; the envelope is incomplete");
    }
    if (finished) {
      throw new IllegalStateException("envelope already finished");
    }
  }
}
