package io.vaultgate.crypto.stream;

import io.vaultgate.crypto.CryptoException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;

/** Read-fully and write-fully loops over channels, which may transfer fewer bytes than asked. */
final class ChannelIo {
  private ChannelIo() {}

  static void writeFully(WritableByteChannel ch, ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      ch.write(src);
    }
  }

  static void writeFullyAt(SeekableByteChannel ch, long position, ByteBuffer src) throws IOException {
    ch.position(position);
    writeFully(ch, src);
  }

  /**
   * Fills {@code dst} from {@code position}. A short file means the ciphertext was truncated,
   * which is an authentication failure, not an I/O error.
   */
  static void readFullyAt(SeekableByteChannel ch, long position, ByteBuffer dst) throws IOException {
    ch.position(position);
    while (dst.hasRemaining()) {
      if (ch.read(dst) < 0) {
        throw new CryptoException.AuthenticationFailed();
      }
    }
  }

  static void requireOpen(boolean open) throws IOException {
    if (!open) {
      throw new EOFException("stream is closed");
    }
  }
}
