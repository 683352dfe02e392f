package io.vaultgate.crypto.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.internal.RandomSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A file's payload key is fixed by its header (DEK, salt, ids), and a resumed file keeps its header,
 * so every seal of every session of one file uses the same key. These tests record every nonce
 * drawn and every nonce stored, across suspend and resume, and require them all to differ.
 */
class NonceUniquenessTest {
  private static final EnvelopeContext CTX = new EnvelopeContext("tenant-a", "file-1");
  private static final int S = EnvelopeFormat.MIN_SEGMENT_SIZE;

  /** Records every nonce-sized draw; delegates to a real CSPRNG. */
  static final class RecordingRandom implements RandomSource {
    final List<String> nonces = new ArrayList<>();
    private final RandomSource delegate = RandomSource.secure();

    @Override
    public void nextBytes(byte[] out) {
      delegate.nextBytes(out);
      if (out.length == EnvelopeFormat.NONCE_SIZE) {
        nonces.add(HexFormat.of().formatHex(out));
      }
    }
  }

  @Test
  void noNonceRepeats_acrossSuspendAndResumeOfOneFile() throws IOException {
    DataKey dek = DataKey.generate();
    RecordingRandom random = new RecordingRandom();
    MemoryChannel file = new MemoryChannel();
    Random data = new Random(3);
    List<String> storedTailNonces = new ArrayList<>();

    OutOfOrderEnvelopeWriter w =
        OutOfOrderEnvelopeWriter.create(dek, CTX, file, 8, null, S, random);
    long offset = 0;
    for (int session = 0; session < 6; session++) {
      int n = 1 + data.nextInt(3 * S);
      w.write(offset, ByteBuffer.wrap(Envelopes.randomBytes(data, n)));
      offset += n;
      w.suspend();
      storedTailNonces.add(lastSegmentNonce(file.toByteArray()));
      w = OutOfOrderEnvelopeWriter.resume(dek, CTX, file, 8, null, random);
    }
    w.finish();
    storedTailNonces.add(lastSegmentNonce(file.toByteArray()));

    assertThat(random.nonces).doesNotHaveDuplicates();
    assertThat(storedTailNonces).doesNotHaveDuplicates();
    Set<String> stored = new HashSet<>(allStoredNonces(file.toByteArray()));
    assertThat(stored).hasSize((int) EnvelopeFormat.segmentCount(offset, S));
    assertThat(random.nonces).containsAll(stored);
  }

  @Test
  void resumeWithoutNewData_stillReSealsTheTailWithAFreshNonce() throws IOException {
    DataKey dek = DataKey.generate();
    RecordingRandom random = new RecordingRandom();
    MemoryChannel file = new MemoryChannel();
    OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(dek, CTX, file, 8, null, S, random);
    w.write(0, ByteBuffer.allocate(10));
    w.suspend();
    String before = lastSegmentNonce(file.toByteArray());
    OutOfOrderEnvelopeWriter.resume(dek, CTX, file, 8, null, random).suspend();
    String after = lastSegmentNonce(file.toByteArray());
    assertThat(after).isNotEqualTo(before);
    assertThat(random.nonces).containsExactly(before, after);
  }

  @Test
  void streamingWriter_usesAFreshNonceForEverySeal_includingTheFinalReSeal() throws IOException {
    RecordingRandom random = new RecordingRandom();
    byte[] envelope = Envelopes.seal(DataKey.generate(), CTX, new byte[10 * S + 1], S, random);
    List<String> stored = allStoredNonces(envelope);
    assertThat(stored).hasSize(11).doesNotHaveDuplicates();
    // One draw per segment, plus the discarded non-final seal of the last segment.
    assertThat(random.nonces).hasSize(12).doesNotHaveDuplicates().containsAll(stored);
    assertThat(stored).doesNotContain(random.nonces.get(10));
  }

  private static String lastSegmentNonce(byte[] envelope) {
    List<String> all = allStoredNonces(envelope);
    return all.get(all.size() - 1);
  }

  private static List<String> allStoredNonces(byte[] envelope) {
    List<String> out = new ArrayList<>();
    for (long i = 0; EnvelopeFormat.segmentOffset(i, S) < envelope.length; i++) {
      int at = (int) EnvelopeFormat.segmentOffset(i, S);
      out.add(HexFormat.of().formatHex(envelope, at, at + EnvelopeFormat.NONCE_SIZE));
    }
    return out;
  }
}
