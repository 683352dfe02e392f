package io.vaultgate.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** A seekable sink that discards writes (and cannot be read), for writer benchmarks. */
final class NullSeekableChannel implements SeekableByteChannel {
  long written;
  private long position;
  private long size;

  @Override
  public int read(ByteBuffer dst) {
    return -1;
  }

  @Override
  public int write(ByteBuffer src) {
    int n = src.remaining();
    src.position(src.limit());
    written += n;
    position += n;
    size = Math.max(size, position);
    return n;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public SeekableByteChannel position(long p) {
    position = p;
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long s) {
    size = Math.min(size, s);
    return this;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() {}
}
