package io.vaultgate.crypto.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reorder memory shared by a process's out-of-order writers: the review's amplification (a
 * one-byte write per segment of the window costs a whole segment buffer, on every upload handle
 * of every session) stops at the shared limit, and a refused write leaves its writer usable.
 */
class ReorderMemoryTest {
  private static final int S = EnvelopeFormat.DEFAULT_SEGMENT_SIZE;

  @Test
  void oneByteWritesAheadOfAGap_onManyWriters_holdNoMoreThanTheSharedLimit() throws IOException {
    ReorderMemory memory = new ReorderMemory(64L * S);
    List<OutOfOrderEnvelopeWriter> writers = new ArrayList<>();
    int refused = 0;
    try {
      for (int h = 0; h < 8; h++) {
        OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(DataKey.generate(),
            new EnvelopeContext("acme", "f_" + h), new MemoryChannel(), 64, null, memory.share("acme"));
        writers.add(w);
        for (int k = 1; k < 64; k++) {
          try {
            w.write((long) k * S, ByteBuffer.wrap(new byte[] {1}));
          } catch (CryptoException.ReorderMemoryFull e) {
            refused++;
            assertThat(e).hasMessageContaining(64L * S + " bytes");
          }
        }
      }
      assertThat(memory.held()).isEqualTo(64L * S);
      assertThat(refused).isEqualTo(8 * 63 - 64);
    } finally {
      writers.forEach(OutOfOrderEnvelopeWriter::close);
    }
    assertThat(memory.held()).as("closing gives it all back").isZero();
  }

  @Test
  void aWriteRefusedForWantOfMemory_keepsNothing_andTheWriterFinishesTheFileInOrder() throws IOException {
    ReorderMemory memory = new ReorderMemory(2L * S);
    byte[] plain = Envelopes.randomBytes(new Random(7), 4 * S + 10);
    DataKey dek = DataKey.generate();
    EnvelopeContext ctx = new EnvelopeContext("acme", "f_1");
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w =
        OutOfOrderEnvelopeWriter.create(dek, ctx, file, 8, null, memory.share("acme"))) {
      w.write(S, ByteBuffer.wrap(plain, S, S + 1)); // segments 1 and 2: all the memory there is
      assertThat(memory.held()).isEqualTo(2L * S);

      assertThatThrownBy(() -> w.write(3L * S + 5, ByteBuffer.wrap(new byte[] {9, 9, 9})))
          .isInstanceOf(CryptoException.ReorderMemoryFull.class);
      assertThat(memory.held()).isEqualTo(2L * S);

      w.write(0, ByteBuffer.wrap(plain, 0, S)); // fills the gap: segment 1 is sealed, 2 is the head
      assertThat(memory.held()).isEqualTo(S);
      w.write(2L * S + 1, ByteBuffer.wrap(plain, 2 * S + 1, plain.length - 2 * S - 1));
      assertThat(w.finish()).isEqualTo(plain.length);
    }
    assertThat(Envelopes.open(dek, ctx, file.toByteArray())).isEqualTo(plain);
    assertThat(memory.held()).isZero();
  }

  @Test
  void aWriteAlreadyHeldSegmentsCover_needsNoMoreMemory() throws IOException {
    ReorderMemory memory = new ReorderMemory(S);
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(DataKey.generate(),
        new EnvelopeContext("acme", "f_1"), new MemoryChannel(), 8, null, memory.share("acme"))) {
      w.write(S + 10, ByteBuffer.allocate(10));
      w.write(S + 100, ByteBuffer.allocate(100));
      assertThat(memory.held()).isEqualTo(S);
      assertThatThrownBy(() -> w.write(S + 1000, ByteBuffer.allocate(S)))
          .as("crosses into segment 2").isInstanceOf(CryptoException.ReorderMemoryFull.class);
    }
    assertThat(memory.held()).isZero();
  }

  @Test
  void aSuspendedWriter_givesItsEarlyBytesBack() throws IOException {
    ReorderMemory memory = new ReorderMemory(8L * S);
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(DataKey.generate(),
        new EnvelopeContext("acme", "f_1"), new MemoryChannel(), 8, null, memory.share("acme"))) {
      w.write(0, ByteBuffer.allocate(100));
      w.write(3L * S, ByteBuffer.allocate(2 * S));
      assertThat(memory.held()).isEqualTo(2L * S);
      assertThat(w.suspend()).isEqualTo(100);
    }
    assertThat(memory.held()).isZero();
  }

  @Test
  void aWritersPool_keepsOnlyAFewFreeBuffers_onceItsEarlySegmentsAreSealed() {
    SegmentBufferPool pool = new SegmentBufferPool(S);
    List<byte[]> taken = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      taken.add(pool.buffer());
    }
    taken.forEach(pool::recycle);
    assertThat(pool.free()).isEqualTo(SegmentBufferPool.MAX_FREE);
  }

  @Test
  void withoutASharedMemory_aWriterHasItsWindowToItself() throws IOException {
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(DataKey.generate(),
        new EnvelopeContext("acme", "f_1"), new MemoryChannel(), 4, null)) {
      for (int k = 1; k < 4; k++) {
        w.write((long) k * S, ByteBuffer.allocate(1));
      }
    }
  }
}
