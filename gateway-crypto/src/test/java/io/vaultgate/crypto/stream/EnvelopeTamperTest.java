package io.vaultgate.crypto.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.internal.RandomSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every modification of an envelope must fail with a typed error before any plaintext of the
 * modified part is returned. Uses 4 KiB segments so a file has several segments cheaply.
 */
class EnvelopeTamperTest {
  private static final int S = 4096;
  private static final int STRIDE = S + EnvelopeFormat.SEGMENT_OVERHEAD;
  private static final int H = EnvelopeFormat.HEADER_SIZE;
  private static final EnvelopeContext CTX = new EnvelopeContext("tenant-a", "file-1");
  private static final DataKey DEK = DataKey.generate();
  /** Three full segments and a 100-byte final one. */
  private static final byte[] PLAIN = Envelopes.randomBytes(new Random(7), 3 * S + 100);
  private static final byte[] SEALED = seal(DEK, CTX, PLAIN);

  private static byte[] seal(DataKey dek, EnvelopeContext ctx, byte[] plain) {
    try {
      return Envelopes.seal(dek, ctx, plain, S, RandomSource.secure());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Named byte regions of the header: {name, first offset, length, expected failure}. */
  static Stream<Arguments> headerRegions() {
    Class<?> auth = CryptoException.AuthenticationFailed.class;
    Class<?> unsupported = CryptoException.UnsupportedFormat.class;
    return Stream.of(
        Arguments.of("magic", 0, 4, unsupported),
        Arguments.of("version", 4, 1, unsupported),
        Arguments.of("suite", 5, 1, unsupported),
        Arguments.of("segment size", 6, 4, auth),
        Arguments.of("tenant id length", 10, 1, auth),
        Arguments.of("tenant id", 11, 8, auth),
        Arguments.of("tenant id padding", 19, 56, auth),
        Arguments.of("file id length", 75, 1, auth),
        Arguments.of("file id", 76, 6, auth),
        Arguments.of("file id padding", 82, 58, auth),
        Arguments.of("salt", 140, 32, auth),
        Arguments.of("key commitment", 172, 32, auth),
        Arguments.of("header MAC", 204, 32, auth));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("headerRegions")
  void flippedHeaderByte_isRejected(String region, int offset, int length, Class<?> failure) {
    for (int i = offset; i < offset + length; i++) {
      for (int bit : new int[] {0x01, 0x80}) {
        byte[] t = SEALED.clone();
        t[i] ^= (byte) bit;
        assertThatThrownBy(() -> Envelopes.open(DEK, CTX, t))
            .as("%s byte %d bit %x", region, i, bit)
            .isInstanceOf(failure);
      }
    }
  }

  static Stream<Arguments> segmentRegions() {
    return IntStream.range(0, 4).boxed().flatMap(seg -> {
      int start = H + seg * STRIDE;
      int len = seg == 3 ? 100 + 28 : STRIDE;
      return Stream.of(
          Arguments.of("segment " + seg + " nonce", start),
          Arguments.of("segment " + seg + " nonce end", start + 11),
          Arguments.of("segment " + seg + " body start", start + 12),
          Arguments.of("segment " + seg + " body middle", start + 12 + (len - 28) / 2),
          Arguments.of("segment " + seg + " tag", start + len - 16),
          Arguments.of("segment " + seg + " tag end", start + len - 1));
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("segmentRegions")
  void flippedSegmentByte_failsAuthentication_andReturnsNoPlaintextOfThatSegment(
      String region, int offset) throws IOException {
    byte[] t = SEALED.clone();
    t[offset] ^= 1;
    int segment = (offset - H) / STRIDE;
    if (segment == 3) {
      assertThatThrownBy(() -> Envelopes.open(DEK, CTX, t))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
      return;
    }
    try (EnvelopeReader r = EnvelopeReader.open(DEK, CTX, new MemoryChannel(t))) {
      ByteBuffer dst = ByteBuffer.allocate(PLAIN.length);
      assertThatThrownBy(() -> r.read((long) segment * S, dst))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
      assertThat(dst.position()).isZero();
      assertThat(dst.array()).as("no unauthenticated plaintext left in the buffer").containsOnly(0);
      ByteBuffer small = ByteBuffer.allocate(100);
      assertThatThrownBy(() -> r.read((long) segment * S, small))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
      assertThat(small.array()).containsOnly(0);
      assertThatThrownBy(() -> r.inputStream().readAllBytes())
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
    }
  }

  static IntStream truncationLengths() {
    IntStream.Builder b = IntStream.builder();
    for (int len : new int[] {0, 1, H - 1, H, H + 1, H + 27, H + 28, H + S / 2}) {
      b.add(len);
    }
    for (int seg = 1; seg <= 3; seg++) {
      b.add(H + seg * STRIDE);        // exactly at a segment boundary
      b.add(H + seg * STRIDE - 1);    // one byte short of it
      b.add(H + seg * STRIDE + 1);    // one byte into the next segment
      b.add(H + seg * STRIDE - S / 2); // mid-segment
    }
    b.add(SEALED.length - 1);
    return b.build();
  }

  @ParameterizedTest
  @MethodSource("truncationLengths")
  void truncatedFile_failsAuthentication(int length) {
    byte[] t = Arrays.copyOf(SEALED, length);
    assertThatThrownBy(() -> Envelopes.open(DEK, CTX, t))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  @Test
  void appendedBytesOrSegments_failAuthentication() {
    byte[] lastSegment = Arrays.copyOfRange(SEALED, H + 3 * STRIDE, SEALED.length);
    byte[] firstSegment = Arrays.copyOfRange(SEALED, H, H + STRIDE);
    for (byte[] extra : new byte[][] {{0}, new byte[28], lastSegment, firstSegment}) {
      byte[] t = Arrays.copyOf(SEALED, SEALED.length + extra.length);
      System.arraycopy(extra, 0, t, SEALED.length, extra.length);
      assertThatThrownBy(() -> Envelopes.open(DEK, CTX, t))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
    }
  }

  @Test
  void reorderedSegments_failAuthentication() throws IOException {
    byte[] t = SEALED.clone();
    System.arraycopy(SEALED, H, t, H + STRIDE, STRIDE);
    System.arraycopy(SEALED, H + STRIDE, t, H, STRIDE);
    try (EnvelopeReader r = EnvelopeReader.open(DEK, CTX, new MemoryChannel(t))) {
      assertThatThrownBy(() -> r.read(0, ByteBuffer.allocate(1)))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
      assertThatThrownBy(() -> r.read(S, ByteBuffer.allocate(1)))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
      assertThat(r.read(2L * S, ByteBuffer.allocate(1))).isEqualTo(1);
    }
  }

  @Test
  void droppedMiddleSegment_failsAuthentication() throws IOException {
    byte[] t = new byte[SEALED.length - STRIDE];
    System.arraycopy(SEALED, 0, t, 0, H + STRIDE);
    System.arraycopy(SEALED, H + 2 * STRIDE, t, H + STRIDE, SEALED.length - H - 2 * STRIDE);
    try (EnvelopeReader r = EnvelopeReader.open(DEK, CTX, new MemoryChannel(t))) {
      assertThatThrownBy(() -> r.inputStream().readAllBytes())
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
    } catch (CryptoException.AuthenticationFailed expected) {
      // also acceptable: the final segment no longer authenticates at its new index
    }
  }

  @Test
  void segmentSwappedInFromAnotherFile_failsAuthentication_evenUnderTheSameDataKey()
      throws IOException {
    for (EnvelopeContext other : new EnvelopeContext[] {
        new EnvelopeContext("tenant-a", "file-2"), new EnvelopeContext("tenant-b", "file-1")}) {
      byte[] donor = seal(DEK, other, PLAIN);
      byte[] t = SEALED.clone();
      System.arraycopy(donor, H + STRIDE, t, H + STRIDE, STRIDE);
      try (EnvelopeReader r = EnvelopeReader.open(DEK, CTX, new MemoryChannel(t))) {
        assertThat(r.read(0, ByteBuffer.allocate(S))).isEqualTo(S);
        assertThatThrownBy(() -> r.read(S, ByteBuffer.allocate(1)))
            .isInstanceOf(CryptoException.AuthenticationFailed.class);
      }
    }
  }

  @Test
  void wholeFileUnderAnotherFileOrTenantContext_failsAuthentication() {
    for (EnvelopeContext other : new EnvelopeContext[] {
        new EnvelopeContext("tenant-a", "file-2"), new EnvelopeContext("tenant-b", "file-1")}) {
      assertThatThrownBy(() -> Envelopes.open(DEK, other, SEALED))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
    }
  }

  @Test
  void headerOfAnotherFileWithTheSameKey_failsAuthentication() {
    byte[] donor = seal(DEK, CTX, PLAIN);
    byte[] t = SEALED.clone();
    System.arraycopy(donor, 0, t, 0, H);
    assertThatThrownBy(() -> Envelopes.open(DEK, CTX, t))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  @Test
  void wrongDataKey_failsAuthentication() {
    assertThatThrownBy(() -> Envelopes.open(DataKey.generate(), CTX, SEALED))
        .isInstanceOf(CryptoException.AuthenticationFailed.class)
        .hasMessage(CryptoException.AuthenticationFailed.MESSAGE);
  }

  @Test
  void truncationAtEveryLength_failsAuthentication() {
    for (int length = 0; length < SEALED.length; length++) {
      byte[] t = Arrays.copyOf(SEALED, length);
      assertThatThrownBy(() -> Envelopes.open(DEK, CTX, t)).as("cut to %d bytes", length)
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
    }
  }

  @Test
  void duplicatedSegment_inPlaceOrInserted_failsAuthentication() throws IOException {
    byte[] inPlace = SEALED.clone();
    System.arraycopy(SEALED, H, inPlace, H + STRIDE, STRIDE);
    try (EnvelopeReader r = EnvelopeReader.open(DEK, CTX, new MemoryChannel(inPlace))) {
      assertThat(r.read(0, ByteBuffer.allocate(S))).isEqualTo(S);
      assertThatThrownBy(() -> r.read(S, ByteBuffer.allocate(1)))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
    }
    byte[] inserted = new byte[SEALED.length + STRIDE];
    System.arraycopy(SEALED, 0, inserted, 0, H + STRIDE);
    System.arraycopy(SEALED, H, inserted, H + STRIDE, SEALED.length - H);
    assertThatThrownBy(() -> Envelopes.open(DEK, CTX, inserted))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  @Test
  void ciphertextsSwappedBetweenFiles_eachWithItsOwnKey_failAuthentication_sameTenantOrNot() {
    for (EnvelopeContext other : new EnvelopeContext[] {
        new EnvelopeContext("tenant-a", "file-2"), new EnvelopeContext("tenant-b", "file-1")}) {
      DataKey otherDek = DataKey.generate();
      byte[] otherFile = seal(otherDek, other, PLAIN);
      assertThatThrownBy(() -> Envelopes.open(DEK, CTX, otherFile)).as("whole file")
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
      byte[] header = SEALED.clone();
      System.arraycopy(otherFile, 0, header, 0, H);
      for (DataKey key : new DataKey[] {DEK, otherDek}) {
        assertThatThrownBy(() -> Envelopes.open(key, CTX, header)).as("header")
            .isInstanceOf(CryptoException.AuthenticationFailed.class);
        assertThatThrownBy(() -> Envelopes.open(key, other, header)).as("header, read as the other file")
            .isInstanceOf(CryptoException.AuthenticationFailed.class);
      }
    }
  }

  @Test
  void untamperedFile_stillOpens_soTheTestsAboveCanFail() throws IOException {
    assertThat(Envelopes.open(DEK, CTX, SEALED)).isEqualTo(PLAIN);
  }
}
