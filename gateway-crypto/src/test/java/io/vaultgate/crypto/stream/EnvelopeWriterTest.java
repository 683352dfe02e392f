package io.vaultgate.crypto.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import org.junit.jupiter.api.Test;

class EnvelopeWriterTest {
  private static final EnvelopeContext CTX = new EnvelopeContext("tenant-a", "file-1");

  @Test
  void emptyFile_isHeaderPlusOneEmptyFinalSegment() throws IOException {
    byte[] envelope = Envelopes.seal(DataKey.generate(), CTX, new byte[0]);
    assertThat(envelope).hasSize(EnvelopeFormat.HEADER_SIZE + EnvelopeFormat.SEGMENT_OVERHEAD);
  }

  @Test
  void finish_leavesTheSinkOpen_andCloseClosesIt() throws IOException {
    MemoryChannel out = new MemoryChannel();
    EnvelopeWriter w = EnvelopeWriter.open(DataKey.generate(), CTX, out);
    w.write(ByteBuffer.wrap(new byte[10]));
    w.finish();
    assertThat(out.isOpen()).isTrue();
    assertThat(out.size()).isEqualTo(EnvelopeFormat.ciphertextSize(10));
    w.close();
    assertThat(out.isOpen()).isFalse();
    assertThat(out.size()).isEqualTo(EnvelopeFormat.ciphertextSize(10));
  }

  @Test
  void finish_isIdempotent_andWritesAfterItAreRefused() throws IOException {
    MemoryChannel out = new MemoryChannel();
    EnvelopeWriter w = EnvelopeWriter.open(DataKey.generate(), CTX, out);
    w.write(ByteBuffer.wrap(new byte[5]));
    w.finish();
    long size = out.size();
    w.finish();
    assertThat(out.size()).isEqualTo(size);
    assertThatThrownBy(() -> w.write(ByteBuffer.allocate(1)))
        .isInstanceOf(IllegalStateException.class);
    w.close();
    assertThat(out.size()).isEqualTo(size);
  }

  @Test
  void writeAfterClose_fails() throws IOException {
    EnvelopeWriter w = EnvelopeWriter.open(DataKey.generate(), CTX, new MemoryChannel());
    w.close();
    assertThatThrownBy(() -> w.write(ByteBuffer.allocate(1)))
        .isInstanceOf(ClosedChannelException.class);
  }

  @Test
  void failedSinkWrite_isNotSealedAsComplete() throws IOException {
    FailingSink sink = new FailingSink();
    EnvelopeWriter w = EnvelopeWriter.open(DataKey.generate(), CTX, sink);
    sink.fail = true;
    assertThatThrownBy(() -> w.write(ByteBuffer.allocate(3 * EnvelopeFormat.DEFAULT_SEGMENT_SIZE)))
        .isInstanceOf(IOException.class);
    sink.fail = false;
    long before = sink.written;
    w.close();
    assertThat(sink.written).isEqualTo(before);
    assertThatThrownBy(() -> w.write(ByteBuffer.allocate(1))).isInstanceOf(IOException.class);
  }

  @Test
  void memoryDoesNotGrowWithFileSize_segmentsAreFlushedAsTheyFill() throws IOException {
    MemoryChannel out = new MemoryChannel();
    EnvelopeWriter w = EnvelopeWriter.open(DataKey.generate(), CTX, out);
    int s = EnvelopeFormat.DEFAULT_SEGMENT_SIZE;
    w.write(ByteBuffer.allocate(s + 1));
    assertThat(out.size()).isEqualTo(EnvelopeFormat.HEADER_SIZE + s + EnvelopeFormat.SEGMENT_OVERHEAD);
    w.close();
  }

  private static final class FailingSink implements WritableByteChannel {
    boolean fail;
    long written;

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (fail) {
        throw new IOException("disk full");
      }
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
}
