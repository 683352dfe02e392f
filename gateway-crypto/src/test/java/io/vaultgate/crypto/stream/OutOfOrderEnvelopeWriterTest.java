package io.vaultgate.crypto.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutOfOrderEnvelopeWriterTest {
  private static final int S = EnvelopeFormat.DEFAULT_SEGMENT_SIZE;
  private static final EnvelopeContext CTX = new EnvelopeContext("tenant-a", "file-1");

  /** A plaintext cut into chunks, shuffled within a bounded distance of their place. */
  static List<long[]> shuffledChunks(Random r, int size, int chunk, int maxDisplacement) {
    List<long[]> chunks = new ArrayList<>();
    for (int pos = 0; pos < size; pos += chunk) {
      chunks.add(new long[] {pos, Math.min(chunk, size - pos)});
    }
    for (int i = 0; i + 1 < chunks.size(); i++) {
      int j = Math.min(chunks.size() - 1, i + r.nextInt(maxDisplacement + 1));
      Collections.swap(chunks, i, j);
    }
    return chunks;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void shuffledWritesWithinTheWindow_produceAReadableEnvelope(int seed) throws IOException {
    Random r = new Random(seed);
    int size = r.nextInt(6 * S);
    byte[] plain = Envelopes.randomBytes(r, size);
    DataKey dek = DataKey.generate();
    MemoryChannel file = new MemoryChannel();
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    int chunk = 1 + r.nextInt(40_000);
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(dek, CTX, file, 16, collect(seen))) {
      for (long[] c : shuffledChunks(r, size, chunk, 8)) {
        w.write(c[0], ByteBuffer.wrap(plain, (int) c[0], (int) c[1]));
      }
      assertThat(w.finish()).isEqualTo(size);
    }
    assertThat(seen.toByteArray()).isEqualTo(plain);
    assertThat(file.size()).isEqualTo(EnvelopeFormat.ciphertextSize(size));
    assertThat(Envelopes.open(dek, CTX, file.toByteArray())).isEqualTo(plain);
  }

  @ParameterizedTest
  @ValueSource(ints = {21, 22, 23, 24, 25, 26})
  void overlappingRandomWrites_lastAcceptedWriteWins(int seed) throws IOException {
    int s = EnvelopeFormat.MIN_SEGMENT_SIZE;
    Random r = new Random(seed);
    int size = s * 12 + r.nextInt(s);
    byte[] expected = new byte[size];
    DataKey dek = DataKey.generate();
    MemoryChannel file = new MemoryChannel();
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(
        dek, CTX, file, 3, collect(seen), s, io.vaultgate.crypto.internal.RandomSource.secure())) {
      for (int i = 0; i < 400; i++) {
        long low = w.contiguousLength();
        if (low == size) {
          break;
        }
        int offset = (int) Math.min(size - 1, low + (r.nextInt(4) == 0 ? 0 : r.nextInt(3 * s)));
        int len = Math.min(size - offset, 1 + r.nextInt(s));
        byte[] data = Envelopes.randomBytes(r, len);
        try {
          w.write(offset, ByteBuffer.wrap(data));
          System.arraycopy(data, 0, expected, offset, len);
        } catch (CryptoException.WriteOutOfWindow refused) {
          assertThat(offset + len).isGreaterThan((int) low + 2 * s);
        }
      }
      while (w.contiguousLength() < size) {
        int offset = (int) w.contiguousLength();
        int len = Math.min(size - offset, s);
        byte[] data = Envelopes.randomBytes(r, len);
        w.write(offset, ByteBuffer.wrap(data));
        System.arraycopy(data, 0, expected, offset, Math.min(len, size - offset));
      }
      assertThat(w.finish()).isEqualTo(size);
    }
    assertThat(seen.toByteArray()).isEqualTo(expected);
    assertThat(Envelopes.open(dek, CTX, file.toByteArray())).isEqualTo(expected);
  }

  @Test
  void inOrderWrites_produceTheSameLayoutAsTheStreamingWriter() throws IOException {
    byte[] plain = Envelopes.randomBytes(new Random(1), 2 * S + 5);
    DataKey dek = DataKey.generate();
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(dek, CTX, file, 4, null)) {
      w.write(0, ByteBuffer.wrap(plain));
      w.finish();
    }
    assertThat(file.size()).isEqualTo(Envelopes.seal(dek, CTX, plain).length);
  }

  @Test
  void writeBeyondTheWindow_failsWithATypedError() throws IOException {
    try (OutOfOrderEnvelopeWriter w =
        OutOfOrderEnvelopeWriter.create(DataKey.generate(), CTX, new MemoryChannel(), 4, null)) {
      w.write(3L * S, ByteBuffer.allocate(S));
      assertThatThrownBy(() -> w.write(4L * S, ByteBuffer.allocate(1)))
          .isInstanceOf(CryptoException.WriteOutOfWindow.class)
          .hasMessageContaining("offset " + 4L * S);
    }
  }

  @Test
  void rewriteOfAlreadyConsumedBytes_failsWithATypedError() throws IOException {
    try (OutOfOrderEnvelopeWriter w =
        OutOfOrderEnvelopeWriter.create(DataKey.generate(), CTX, new MemoryChannel(), 4, null)) {
      w.write(0, ByteBuffer.allocate(100));
      assertThatThrownBy(() -> w.write(50, ByteBuffer.allocate(10)))
          .isInstanceOf(CryptoException.WriteOutOfWindow.class);
    }
  }

  @Test
  void windowSlidesAsSegmentsAreSealed() throws IOException {
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w =
        OutOfOrderEnvelopeWriter.create(DataKey.generate(), CTX, file, 2, null)) {
      for (int i = 0; i < 10; i++) {
        w.write((long) i * S, ByteBuffer.allocate(S));
      }
      assertThat(w.committedLength()).isEqualTo(9L * S);
      w.finish();
    }
    assertThat(file.size()).isEqualTo(EnvelopeFormat.ciphertextSize(10L * S));
  }

  @Test
  void finishWithAHole_isRefused() throws IOException {
    try (OutOfOrderEnvelopeWriter w =
        OutOfOrderEnvelopeWriter.create(DataKey.generate(), CTX, new MemoryChannel(), 4, null)) {
      w.write(10, ByteBuffer.allocate(10));
      assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("offset 0");
    }
  }

  @Test
  void suspendedFile_doesNotReadAsComplete() throws IOException {
    DataKey dek = DataKey.generate();
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(dek, CTX, file, 4, null)) {
      w.write(0, ByteBuffer.allocate(S + 10));
      assertThat(w.suspend()).isEqualTo(S + 10);
    }
    assertThatThrownBy(() -> Envelopes.open(dek, CTX, file.toByteArray()))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1000, 65535, 65536})
  void oneSegmentFile_isSealedOnce(int size) throws IOException {
    int[] nonces = {0};
    io.vaultgate.crypto.internal.RandomSource counting = out -> {
      if (out.length == EnvelopeFormat.NONCE_SIZE) {
        nonces[0]++;
      }
      io.vaultgate.crypto.internal.RandomSource.secure().nextBytes(out);
    };
    byte[] plain = Envelopes.randomBytes(new Random(size), size);
    DataKey dek = DataKey.generate();
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(dek, CTX, file, 4, null, S, counting)) {
      if (size > 0) {
        w.write(size / 2, ByteBuffer.wrap(plain, size / 2, size - size / 2)); // out of order
        w.write(0, ByteBuffer.wrap(plain, 0, size / 2));
      }
      w.finish();
    }
    assertThat(nonces[0]).as("one seal, as final: no provisional seal to open and redo").isEqualTo(1);
    assertThat(Envelopes.open(dek, CTX, file.toByteArray())).isEqualTo(plain);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100, 65535, 65536, 65537, 200_000})
  void suspendAndResume_continuesTheSamePlaintextAndDigest(int cut) throws Exception {
    Random r = new Random(cut);
    byte[] plain = Envelopes.randomBytes(r, 300_000);
    DataKey dek = DataKey.generate();
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(dek, CTX, file, 8, null)) {
      w.write(0, ByteBuffer.wrap(plain, 0, cut));
      w.write(cut + 10, ByteBuffer.wrap(plain, cut + 10, 100)); // beyond a hole: dropped
      assertThat(w.suspend()).isEqualTo(cut);
    }
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    MemoryChannel reopened = new MemoryChannel(file.toByteArray());
    try (OutOfOrderEnvelopeWriter w =
        OutOfOrderEnvelopeWriter.resume(dek, CTX, reopened, 8, sha::update)) {
      assertThat(w.committedLength()).isEqualTo(cut);
      w.write(cut, ByteBuffer.wrap(plain, cut, plain.length - cut));
      w.finish();
    }
    assertThat(sha.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(plain));
    assertThat(Envelopes.open(dek, CTX, reopened.toByteArray())).isEqualTo(plain);
  }

  @Test
  void resumeOfAFinishedFile_appends() throws IOException {
    DataKey dek = DataKey.generate();
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(dek, CTX, file, 4, null)) {
      w.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
      w.finish();
    }
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.resume(dek, CTX, file, 4, null)) {
      w.write(3, ByteBuffer.wrap(new byte[] {4}));
      w.finish();
    }
    assertThat(Envelopes.open(dek, CTX, file.toByteArray())).containsExactly(1, 2, 3, 4);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 27, 28, 100, S + 27})
  void recoverAfterACrash_dropsATornLastSegment_andContinues(int tornBytes) throws IOException {
    byte[] plain = Envelopes.randomBytes(new Random(tornBytes), 3 * S);
    DataKey dek = DataKey.generate();
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(dek, CTX, file, 4, null)) {
      w.write(0, ByteBuffer.wrap(plain, 0, 2 * S + 1)); // seals segment 0 (and 1 is complete)
      w.suspend();
    }
    // A crash while writing segment 2 left only its first bytes (or garbage) on disk.
    byte[] stored = file.toByteArray();
    int segment2 = (int) EnvelopeFormat.segmentOffset(2, S);
    byte[] torn = java.util.Arrays.copyOf(stored, segment2 + tornBytes);
    for (int i = segment2; i < torn.length; i++) {
      torn[i] ^= 0x5a;
    }
    MemoryChannel crashed = new MemoryChannel(torn);
    assertThatThrownBy(() -> OutOfOrderEnvelopeWriter.resume(dek, CTX, crashed, 4, null))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);

    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.recover(dek, CTX, crashed, 4, null)) {
      assertThat(w.committedLength()).isEqualTo(2L * S);
      w.write(2L * S, ByteBuffer.wrap(plain, 2 * S, S));
      w.finish();
    }
    assertThat(Envelopes.open(dek, CTX, crashed.toByteArray())).isEqualTo(plain);
  }

  @Test
  void recover_stillRejectsADamagedEarlierSegment() throws IOException {
    DataKey dek = DataKey.generate();
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(dek, CTX, file, 4, null)) {
      w.write(0, ByteBuffer.allocate(2 * S + 5));
      w.suspend();
    }
    byte[] stored = file.toByteArray();
    stored[(int) EnvelopeFormat.segmentOffset(0, S) + 20] ^= 1;
    assertThatThrownBy(() -> OutOfOrderEnvelopeWriter.recover(dek, CTX, new MemoryChannel(stored), 4, null))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  @Test
  void resumeWithTheWrongKey_failsAuthentication() throws IOException {
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w =
        OutOfOrderEnvelopeWriter.create(DataKey.generate(), CTX, file, 4, null)) {
      w.write(0, ByteBuffer.allocate(10));
      w.suspend();
    }
    assertThatThrownBy(() -> OutOfOrderEnvelopeWriter.resume(DataKey.generate(), CTX, file, 4, null))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  static Consumer<ByteBuffer> collect(ByteArrayOutputStream out) {
    return b -> {
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.writeBytes(chunk);
    };
  }
}
