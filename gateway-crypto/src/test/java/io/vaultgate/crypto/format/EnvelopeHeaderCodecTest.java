package io.vaultgate.crypto.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.EnvelopeContext;
import org.junit.jupiter.api.Test;

/**
 * The authenticated prefix a writer seals refuses what no reader would accept, so a bad header fails the file's
 * creation instead of making a file nobody can read.
 */
class EnvelopeHeaderCodecTest {

  private static final EnvelopeContext CONTEXT = new EnvelopeContext("acme", "f_1");
  private static final byte[] SALT = new byte[EnvelopeHeader.SALT_SIZE];
  private static final byte[] COMMITMENT = new byte[EnvelopeHeader.COMMITMENT_SIZE];

  @Test
  void aValidPrefix_decodesBackToItsFields() {
    byte[] prefix = EnvelopeHeaderCodec.authenticatedPrefix(65536, CONTEXT, SALT, COMMITMENT);
    byte[] header = EnvelopeHeaderCodec.withMac(prefix, new byte[EnvelopeHeader.MAC_SIZE]);

    EnvelopeHeader decoded = EnvelopeHeaderCodec.decode(header);
    assertThat(decoded.segmentSize()).isEqualTo(65536);
    assertThat(decoded.context()).isEqualTo(CONTEXT);
  }

  @Test
  void aSegmentSizeNoReaderAccepts_isRefused() {
    assertThatThrownBy(() -> EnvelopeHeaderCodec.authenticatedPrefix(65535, CONTEXT, SALT, COMMITMENT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segment size");
  }

  @Test
  void aShortSaltOrCommitment_isRefused() {
    assertThatThrownBy(() -> EnvelopeHeaderCodec.authenticatedPrefix(65536, CONTEXT, new byte[16], COMMITMENT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("salt must be 32 bytes");
    assertThatThrownBy(() -> EnvelopeHeaderCodec.authenticatedPrefix(65536, CONTEXT, SALT, new byte[31]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyCommitment must be 32 bytes");
  }
}
