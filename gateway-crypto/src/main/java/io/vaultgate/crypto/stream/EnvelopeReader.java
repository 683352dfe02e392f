package io.vaultgate.crypto.stream;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.internal.RandomSource;
import io.vaultgate.crypto.internal.SegmentCipher;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * Decrypts an envelope with random access.
 *
 * <p>{@link #open} authenticates the header and the final segment before returning, so {@link
 * #size()} is exact and a truncated or extended file is rejected up front. Reads decrypt only the
 * segments that cover the range, each fully verified before any of its bytes are returned. Memory:
 * one sealed and one plain segment buffer, whatever the file size. Not thread-safe; closing the
 * reader closes the channel.
 */
public final class EnvelopeReader implements Closeable {
  private static final RandomSource NO_RANDOM = out -> {
    throw new IllegalStateException("a reader never seals");
  };

  private final SeekableByteChannel ch;
  private final SegmentCipher cipher;
  private final int segmentSize;
  private final SegmentLayout layout;
  private final byte[] sealed;
  private final byte[] plain;
  private long cachedIndex = -1;
  private int cachedLength;
  private final long size;
  private boolean open = true;

  private EnvelopeReader(
      SeekableByteChannel ch, SegmentCipher cipher, int segmentSize, SegmentLayout layout)
      throws IOException {
    this.ch = ch;
    this.cipher = cipher;
    this.segmentSize = segmentSize;
    this.layout = layout;
    this.sealed = new byte[segmentSize + EnvelopeFormat.SEGMENT_OVERHEAD];
    this.plain = new byte[segmentSize];
    load(layout.count() - 1);
    this.size = (layout.count() - 1) * segmentSize + cachedLength;
  }

  /**
   * Opens the envelope stored in {@code ch} for {@code ctx}.
   *
   * @throws CryptoException.AuthenticationFailed if the header or final segment does not
   *     authenticate under {@code dek} for {@code ctx}, or the length is not that of an envelope
   * @throws CryptoException.UnsupportedFormat for an unknown magic, version or suite
   */
  public static EnvelopeReader open(DataKey dek, EnvelopeContext ctx, SeekableByteChannel ch)
      throws IOException {
    Objects.requireNonNull(ch, "ch");
    OpenedEnvelope env = OpenedEnvelope.read(dek, ctx, ch);
    SegmentCipher cipher = env.segmentCipher(ctx, NO_RANDOM);
    SegmentLayout layout = SegmentLayout.of(ch.size(), env.segmentSize(), false);
    return new EnvelopeReader(ch, cipher, env.segmentSize(), layout);
  }

  /** Exact plaintext size, authenticated by the final segment. */
  public long size() {
    return size;
  }

  /**
   * Reads plaintext from {@code position} into {@code dst} until it is full or the file ends.
   *
   * @return bytes read, or -1 if {@code position >= size()}
   * @throws CryptoException.AuthenticationFailed if a covering segment does not authenticate
   */
  public int read(long position, ByteBuffer dst) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    if (position < 0) {
      throw new IllegalArgumentException("position must be >= 0, was " + position);
    }
    if (position >= size) {
      return dst.hasRemaining() ? -1 : 0;
    }
    int total = 0;
    while (dst.hasRemaining() && position < size) {
      long index = position / segmentSize;
      if (position == index * segmentSize && index != cachedIndex && dst.hasArray()) {
        int n = decryptInto(index, dst);
        if (n >= 0) {
          position += n;
          total += n;
          continue;
        }
      }
      load(index);
      int offset = (int) (position - index * segmentSize);
      int n = Math.min(dst.remaining(), cachedLength - offset);
      dst.put(plain, offset, n);
      position += n;
      total += n;
    }
    return total;
  }

  /** A sequential view from {@code start}; closing it closes this reader. */
  public ReadableByteChannel channel(long start) {
    return new ReadableByteChannel() {
      private long position = start;

      @Override
      public int read(ByteBuffer dst) throws IOException {
        int n = EnvelopeReader.this.read(position, dst);
        if (n > 0) {
          position += n;
        }
        return n;
      }

      @Override
      public boolean isOpen() {
        return open;
      }

      @Override
      public void close() throws IOException {
        EnvelopeReader.this.close();
      }
    };
  }

  /** A sequential stream of the whole plaintext; closing it closes this reader. */
  public InputStream inputStream() {
    return new InputStream() {
      private long position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
          return 0;
        }
        int n = EnvelopeReader.this.read(position, ByteBuffer.wrap(b, off, len));
        if (n > 0) {
          position += n;
        }
        return n;
      }

      @Override
      public long skip(long n) {
        long k = Math.max(0, Math.min(n, size - position));
        position += k;
        return k;
      }

      @Override
      public int available() {
        return (int) Math.min(Integer.MAX_VALUE, size - position);
      }

      @Override
      public void close() throws IOException {
        EnvelopeReader.this.close();
      }
    };
  }

  @Override
  public void close() throws IOException {
    if (open) {
      open = false;
      Arrays.fill(plain, (byte) 0);
      ch.close();
    }
  }

  /**
   * Decrypts a whole segment straight into {@code dst} if it has room, saving a copy; returns -1
   * otherwise. On an authentication failure the written region is zeroed before the exception
   * leaves, so the caller never holds unauthenticated plaintext.
   */
  private int decryptInto(long index, ByteBuffer dst) throws IOException {
    int length = layout.length(index, segmentSize);
    if (dst.remaining() < length - EnvelopeFormat.SEGMENT_OVERHEAD) {
      return -1;
    }
    ChannelIo.readFullyAt(ch, EnvelopeFormat.segmentOffset(index, segmentSize),
        ByteBuffer.wrap(sealed, 0, length));
    boolean last = index == layout.count() - 1;
    int at = dst.arrayOffset() + dst.position();
    try {
      int n = cipher.open(index, last, sealed, 0, length, dst.array(), at);
      dst.position(dst.position() + n);
      return n;
    } catch (CryptoException e) {
      Arrays.fill(dst.array(), at, at + length - EnvelopeFormat.SEGMENT_OVERHEAD, (byte) 0);
      throw e;
    }
  }

  private void load(long index) throws IOException {
    if (index == cachedIndex) {
      return;
    }
    cachedIndex = -1;
    int length = layout.length(index, segmentSize);
    ChannelIo.readFullyAt(ch, EnvelopeFormat.segmentOffset(index, segmentSize),
        ByteBuffer.wrap(sealed, 0, length));
    boolean last = index == layout.count() - 1;
    try {
      cachedLength = cipher.open(index, last, sealed, 0, length, plain, 0);
    } catch (CryptoException e) {
      Arrays.fill(plain, (byte) 0);
      throw e;
    }
    cachedIndex = index;
  }
}
