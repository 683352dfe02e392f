package io.vaultgate.bench;

import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** A sink that counts and discards, so benchmarks measure crypto, not I/O. */
final class NullChannel implements WritableByteChannel {
  long written;

  @Override
  public int write(ByteBuffer src) {
    int n = src.remaining();
    src.position(src.limit());
    written += n;
    return n;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() {}
}
