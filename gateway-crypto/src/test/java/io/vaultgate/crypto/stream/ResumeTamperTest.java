package io.vaultgate.crypto.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.internal.RandomSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Resuming or recovering a stored upload authenticates what it continues from: segments moved,
 * duplicated or brought in from another file are refused, recovery keeps only the run of
 * segments from segment 0 that authenticates, and a refused recovery leaves the file as it found
 * it. 4 KiB segments.
 */
class ResumeTamperTest {
  private static final int S = 4096;
  private static final int STRIDE = S + EnvelopeFormat.SEGMENT_OVERHEAD;
  private static final int H = EnvelopeFormat.HEADER_SIZE;
  private static final EnvelopeContext CTX = new EnvelopeContext("tenant-a", "file-1");
  private final DataKey dek = DataKey.generate();
  private final byte[] plain = Envelopes.randomBytes(new Random(3), 3 * S + 100);

  /** A suspended upload of {@code plain}: three full segments and a 100-byte non-final one. */
  private byte[] suspended(DataKey key, EnvelopeContext ctx) throws IOException {
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(
        key, ctx, file, 8, null, S, RandomSource.secure())) {
      w.write(0, ByteBuffer.wrap(plain));
      assertThat(w.suspend()).isEqualTo(plain.length);
    }
    return file.toByteArray();
  }

  private void assertResumeRefused(byte[] stored) {
    assertThatThrownBy(() -> OutOfOrderEnvelopeWriter.resume(dek, CTX, new MemoryChannel(stored), 8, null))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  @Test
  void untamperedUpload_resumes_soTheTestsBelowCanFail() throws IOException {
    MemoryChannel file = new MemoryChannel(suspended(dek, CTX));
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.resume(dek, CTX, file, 8, null)) {
      assertThat(w.committedLength()).isEqualTo(plain.length);
      w.finish();
    }
    assertThat(Envelopes.open(dek, CTX, file.toByteArray())).isEqualTo(plain);
  }

  @Test
  void swappedOrDuplicatedSegments_areRefused() throws IOException {
    byte[] stored = suspended(dek, CTX);
    byte[] swapped = stored.clone();
    System.arraycopy(stored, H, swapped, H + STRIDE, STRIDE);
    System.arraycopy(stored, H + STRIDE, swapped, H, STRIDE);
    assertResumeRefused(swapped);
    byte[] duplicated = stored.clone();
    System.arraycopy(stored, H, duplicated, H + STRIDE, STRIDE);
    assertResumeRefused(duplicated);
    byte[] inserted = new byte[stored.length + STRIDE];
    System.arraycopy(stored, 0, inserted, 0, H + STRIDE);
    System.arraycopy(stored, H, inserted, H + STRIDE, stored.length - H);
    assertResumeRefused(inserted);
  }

  @Test
  void segmentsOrHeaderOfAnotherFile_areRefused_sameTenantOrNot() throws IOException {
    byte[] stored = suspended(dek, CTX);
    for (EnvelopeContext other : new EnvelopeContext[] {
        new EnvelopeContext("tenant-a", "file-2"), new EnvelopeContext("tenant-b", "file-1")}) {
      for (DataKey key : new DataKey[] {dek, DataKey.generate()}) {
        byte[] donor = suspended(key, other);
        byte[] segment = stored.clone();
        System.arraycopy(donor, H + STRIDE, segment, H + STRIDE, STRIDE);
        assertResumeRefused(segment);
        byte[] header = stored.clone();
        System.arraycopy(donor, 0, header, 0, H);
        assertResumeRefused(header);
        assertResumeRefused(donor);
      }
    }
  }

  @Test
  void anEarlierSegmentMarkedFinal_isRefused() throws IOException {
    // A finished one-segment file's only segment is final; as segment 0 of a longer upload it must fail.
    MemoryChannel oneSegment = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(
        dek, CTX, oneSegment, 8, null, S, RandomSource.secure())) {
      w.write(0, ByteBuffer.wrap(plain, 0, S));
      w.finish();
    }
    byte[] finished = oneSegment.toByteArray();
    byte[] longer = Arrays.copyOf(finished, finished.length + STRIDE);
    System.arraycopy(finished, H, longer, H + STRIDE, STRIDE); // any second segment after it
    assertResumeRefused(longer);
  }

  /**
   * A power loss tears every segment written since the last flush, not only the last one: recovery
   * keeps the segments before the first damaged one, replays exactly their plaintext, truncates the
   * rest (the torn tail too) and the upload continues from there to the same bytes.
   */
  @Test
  void recover_keepsTheRunBeforeADamagedSegment_andTheUploadContinuesFromIt() throws IOException {
    byte[] stored = suspended(dek, CTX);
    byte[] crashed = Arrays.copyOf(stored, H + 3 * STRIDE + 10); // segment 3 torn after 10 bytes
    crashed[H + 2 * STRIDE + 100] ^= 1; // and segment 2, which was complete, damaged
    MemoryChannel file = new MemoryChannel(crashed);
    ByteArrayOutputStream replayed = new ByteArrayOutputStream();

    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.recover(dek, CTX, file, 8, b -> {
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      replayed.write(bytes, 0, bytes.length);
    })) {
      assertThat(w.committedLength()).isEqualTo(2L * S);
      assertThat(file.toByteArray()).as("truncated after segment 1")
          .isEqualTo(Arrays.copyOf(crashed, H + 2 * STRIDE));
      w.write(2L * S, ByteBuffer.wrap(plain, 2 * S, plain.length - 2 * S));
      w.finish();
    }
    assertThat(replayed.toByteArray()).isEqualTo(plain);
    assertThat(Envelopes.open(dek, CTX, file.toByteArray())).isEqualTo(plain);
  }

  @Test
  void recover_dropsAuthenticSegmentsAfterATornOne() throws IOException {
    byte[] crashed = suspended(dek, CTX);
    Arrays.fill(crashed, H + STRIDE, H + 2 * STRIDE, (byte) 0); // segment 1 never reached the disk
    MemoryChannel file = new MemoryChannel(crashed);
    assertResumeRefused(crashed);

    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.recover(dek, CTX, file, 8, null)) {
      assertThat(w.committedLength()).as("segments 2 and 3 authenticate, but follow a hole")
          .isEqualTo(S);
      assertThat(w.suspend()).isEqualTo(S);
    }
    assertThat(file.size()).isEqualTo(H + STRIDE);
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.resume(dek, CTX, file, 8, null)) {
      w.write(S, ByteBuffer.wrap(plain, S, plain.length - S));
      w.finish();
    }
    assertThat(Envelopes.open(dek, CTX, file.toByteArray())).isEqualTo(plain);
  }

  /**
   * A finished two-segment file resumed and extended, whose rewrite of segment 1 (now followed, so
   * not final) was lost while the later segments were not: the run ends with the final segment 1,
   * and the segments after it are not kept although they authenticate.
   */
  @Test
  void recover_endsTheRunWithASegmentThatIsFinal() throws IOException {
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(
        dek, CTX, file, 8, null, S, RandomSource.secure())) {
      w.write(0, ByteBuffer.wrap(plain, 0, 2 * S));
      w.finish();
    }
    byte[] finished = file.toByteArray();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.resume(dek, CTX, file, 8, null)) {
      w.write(2L * S, ByteBuffer.wrap(plain, 2 * S, plain.length - 2 * S));
      w.suspend();
    }
    byte[] crashed = file.toByteArray();
    System.arraycopy(finished, H + STRIDE, crashed, H + STRIDE, STRIDE); // segment 1 as final again
    assertResumeRefused(crashed);
    MemoryChannel recovered = new MemoryChannel(crashed);

    try (OutOfOrderEnvelopeWriter w =
        OutOfOrderEnvelopeWriter.recover(dek, CTX, recovered, 8, null)) {
      assertThat(w.committedLength()).isEqualTo(2L * S);
      w.finish();
    }
    assertThat(Envelopes.open(dek, CTX, recovered.toByteArray()))
        .isEqualTo(Arrays.copyOf(plain, 2 * S));
  }

  /** As before the longest run was kept: a torn only segment 0 leaves an empty partial. */
  @Test
  void recover_ofATornOnlySegment_keepsTheHeaderAlone() throws IOException {
    MemoryChannel file = new MemoryChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(
        dek, CTX, file, 8, null, S, RandomSource.secure())) {
      w.write(0, ByteBuffer.wrap(plain, 0, 1000));
      w.suspend();
    }
    byte[] crashed = file.toByteArray();
    crashed[H + 40] ^= 1;
    MemoryChannel torn = new MemoryChannel(crashed);
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.recover(dek, CTX, torn, 8, null)) {
      assertThat(w.committedLength()).isZero();
    }
    assertThat(torn.size()).isEqualTo(H);
  }

  @Test
  void recover_ofADamagedHeader_isRefused_andLeavesTheFileAsItFoundIt() throws IOException {
    byte[] crashed = Arrays.copyOf(suspended(dek, CTX), H + 3 * STRIDE + 50); // segment 3 torn
    crashed[150] ^= 1; // the salt
    MemoryChannel file = new MemoryChannel(crashed);
    assertThatThrownBy(() -> OutOfOrderEnvelopeWriter.recover(dek, CTX, file, 8, null))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
    assertThat(file.toByteArray()).isEqualTo(crashed);
  }

  @Test
  void recover_thatIsRefused_leavesTheFileAsItFoundIt() throws IOException {
    byte[] stored = suspended(dek, CTX);
    byte[] crashed = Arrays.copyOf(stored, H + 3 * STRIDE + 50); // segment 3 torn
    crashed[H + 10] ^= 1; // segment 0 damaged
    MemoryChannel file = new MemoryChannel(crashed);
    assertThatThrownBy(() -> OutOfOrderEnvelopeWriter.recover(dek, CTX, file, 8, null))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
    assertThat(file.toByteArray()).isEqualTo(crashed);
  }
}
