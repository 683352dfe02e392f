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
 * <p>Accepts writes of any size and encrypts them in place of copying: each segment is sealed
 * incrementally, straight from the caller's buffers, on the assumption that it is not the last.
 * That holds for every segment but one; for the last, {@link #finish()} opens the (never written)
 * non-final seal and seals its plaintext again with the final flag and a fresh nonce. Only the
 * final seal of each segment ever reaches the sink, so no (key, nonce) pair is ever exposed twice.
 *
 * <p>{@link #finish()} leaves the sink open (for an fsync); {@link #close()} finishes and closes it.
 * After a failed write to the sink the writer refuses further writes and {@code close()} does not
 * seal, so a broken stream can never look complete. Memory: two segment buffers. Not thread-safe.
 */
public final class EnvelopeWriter implements WritableByteChannel {
  private final WritableByteChannel sink;
  private final SegmentCipher cipher;
  private final int segmentSize;
  private final byte[] sealed;
  private long index;
  private int segmentFill;
  private int sealedLength;
  private boolean segmentOpen;
  private long plaintextSize;
  private boolean open = true;
  private boolean finished;
  private boolean failed;

  private EnvelopeWriter(WritableByteChannel sink, SegmentCipher cipher, int segmentSize) {
    this.sink = sink;
    this.cipher = cipher;
    this.segmentSize = segmentSize;
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
    SegmentCipher cipher = env.segmentCipher(ctx, random);
    ChannelIo.writeFully(sink, ByteBuffer.wrap(env.headerBytes()));
    return new EnvelopeWriter(sink, cipher, segmentSize);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ensureWritable();
    int n = src.remaining();
    try {
      while (src.hasRemaining()) {
        if (segmentOpen && segmentFill == segmentSize) {
          // More bytes follow, so the full segment is not the last: its seal stands.
          sealedLength += cipher.finish(sealed, sealedLength);
          ChannelIo.writeFully(sink, ByteBuffer.wrap(sealed, 0, sealedLength));
          index++;
          segmentOpen = false;
        }
        if (!segmentOpen) {
          sealedLength = cipher.begin(index, sealed, 0);
          segmentFill = 0;
          segmentOpen = true;
        }
        int k = Math.min(src.remaining(), segmentSize - segmentFill);
        if (src.hasArray()) {
          sealedLength += cipher.update(
              src.array(), src.arrayOffset() + src.position(), k, sealed, sealedLength);
        } else {
          sealedLength += cipher.update(src.slice(src.position(), k), sealed, sealedLength);
        }
        src.position(src.position() + k);
        segmentFill += k;
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
    byte[] plain = new byte[segmentSize];
    try {
      if (!segmentOpen) {
        sealedLength = cipher.begin(index, sealed, 0);
        segmentFill = 0;
      }
      sealedLength += cipher.finish(sealed, sealedLength);
      int length = cipher.open(index, false, sealed, 0, sealedLength, plain, 0);
      Arrays.fill(sealed, (byte) 0);
      int n = cipher.seal(index, true, plain, 0, length, sealed, 0);
      ChannelIo.writeFully(sink, ByteBuffer.wrap(sealed, 0, n));
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
    segmentOpen = false;
    finished = true;
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
      sink.close();
    }
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
