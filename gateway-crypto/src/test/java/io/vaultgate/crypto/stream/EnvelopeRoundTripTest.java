package io.vaultgate.crypto.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeRoundTripTest {
  private static final int S = EnvelopeFormat.DEFAULT_SEGMENT_SIZE;
  private static final EnvelopeContext CTX = new EnvelopeContext("tenant-a", "file-1");

  static LongStream sizes() {
    return LongStream.of(0, 1, S - 1, S, S + 1, 2L * S, 3L * S - 7, 5L * 1024 * 1024 + 3);
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void anySize_roundTripsWithExactCiphertextSize(long size) throws IOException {
    DataKey dek = DataKey.generate();
    byte[] plain = Envelopes.randomBytes(new Random(size), (int) size);

    byte[] envelope = Envelopes.seal(dek, CTX, plain);

    assertThat(envelope).hasSize((int) EnvelopeFormat.ciphertextSize(size));
    assertThat(Envelopes.open(dek, CTX, envelope)).isEqualTo(plain);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void randomWriteSplits_produceTheSamePlaintext(int seed) throws IOException {
    Random r = new Random(seed);
    int size = r.nextInt(4 * S);
    byte[] plain = Envelopes.randomBytes(r, size);
    DataKey dek = DataKey.generate();
    MemoryChannel out = new MemoryChannel();
    try (EnvelopeWriter w = EnvelopeWriter.open(dek, CTX, out)) {
      int pos = 0;
      while (pos < size) {
        int n = Math.min(size - pos, r.nextBoolean() ? r.nextInt(64) : r.nextInt(3 * S));
        ByteBuffer src = r.nextBoolean()
            ? ByteBuffer.wrap(plain, pos, n)
            : ByteBuffer.allocateDirect(n).put(plain, pos, n).flip();
        assertThat(w.write(src)).isEqualTo(n);
        pos += n;
      }
    }
    assertThat(out.toByteArray()).hasSize((int) EnvelopeFormat.ciphertextSize(size));
    assertThat(Envelopes.open(dek, CTX, out.toByteArray())).isEqualTo(plain);
  }

  @ParameterizedTest
  @ValueSource(ints = {11, 12, 13, 14, 15})
  void randomAccessReads_matchThePlaintext(int seed) throws IOException {
    Random r = new Random(seed);
    byte[] plain = Envelopes.randomBytes(r, 3 * S + r.nextInt(S));
    DataKey dek = DataKey.generate();
    byte[] envelope = Envelopes.seal(dek, CTX, plain);
    try (EnvelopeReader reader = EnvelopeReader.open(dek, CTX, new MemoryChannel(envelope))) {
      assertThat(reader.size()).isEqualTo(plain.length);
      for (int i = 0; i < 50; i++) {
        int pos = r.nextInt(plain.length);
        int len = r.nextInt(2 * S);
        ByteBuffer dst = ByteBuffer.allocate(len);
        int n = reader.read(pos, dst);
        int expected = Math.min(len, plain.length - pos);
        assertThat(n).isEqualTo(len == 0 ? 0 : expected);
        byte[] want = new byte[expected];
        System.arraycopy(plain, pos, want, 0, expected);
        assertThat(java.util.Arrays.copyOf(dst.array(), n)).isEqualTo(want);
      }
      assertThat(reader.read(plain.length, ByteBuffer.allocate(1))).isEqualTo(-1);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, S - 1, S, S + 1, 2L * S + 17})
  void sequentialChannelFromAnyStart_andStreamSkip_matchThePlaintext(long start) throws IOException {
    byte[] plain = Envelopes.randomBytes(new Random(start), 3 * S);
    DataKey dek = DataKey.generate();
    byte[] envelope = Envelopes.seal(dek, CTX, plain);
    try (EnvelopeReader reader = EnvelopeReader.open(dek, CTX, new MemoryChannel(envelope))) {
      java.io.InputStream in = java.nio.channels.Channels.newInputStream(reader.channel(start));
      assertThat(in.readAllBytes())
          .isEqualTo(java.util.Arrays.copyOfRange(plain, (int) start, plain.length));
      java.io.InputStream whole = reader.inputStream();
      assertThat(whole.skip(start)).isEqualTo(start);
      assertThat(whole.available()).isEqualTo(plain.length - (int) start);
      assertThat(whole.read()).isEqualTo(plain[(int) start] & 0xff);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100_000})
  void outputStreamAdapter_roundTrips(int size) throws IOException {
    byte[] plain = Envelopes.randomBytes(new Random(size), size);
    DataKey dek = DataKey.generate();
    MemoryChannel out = new MemoryChannel();
    try (OutputStream os = EnvelopeWriter.open(dek, CTX, out).outputStream()) {
      if (size > 0) {
        os.write(plain[0]);
        os.write(plain, 1, size - 1);
      }
    }
    assertThat(Envelopes.open(dek, CTX, out.toByteArray())).isEqualTo(plain);
  }
}
