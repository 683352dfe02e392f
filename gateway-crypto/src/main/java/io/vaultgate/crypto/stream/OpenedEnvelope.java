package io.vaultgate.crypto.stream;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.format.EnvelopeHeader;
import io.vaultgate.crypto.format.EnvelopeHeaderCodec;
import io.vaultgate.crypto.internal.EnvelopeKeys;
import io.vaultgate.crypto.internal.RandomSource;
import io.vaultgate.crypto.internal.SegmentCipher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;

/**
 * An authenticated header's segment size and bytes, and the keys derived for it; shared by readers,
 * writers and resume.
 */
record OpenedEnvelope(int segmentSize, EnvelopeKeys keys, byte[] headerBytes) {

  /** Starts a new envelope: fresh salt, derived keys and a MACed header. */
  static OpenedEnvelope create(
      DataKey dek, EnvelopeContext ctx, int segmentSize, RandomSource random) {
    if (!EnvelopeFormat.isValidSegmentSize(segmentSize)) {
      throw new IllegalArgumentException("invalid segment size " + segmentSize);
    }
    byte[] salt = new byte[EnvelopeHeader.SALT_SIZE];
    random.nextBytes(salt);
    EnvelopeKeys keys = EnvelopeKeys.derive(dek, ctx, salt);
    // the header just sealed is not decoded again: its fields are the arguments
    return new OpenedEnvelope(segmentSize, keys, keys.sealHeader(segmentSize, ctx, salt));
  }

  /**
   * Reads and authenticates the header at the start of {@code ch}.
   *
   * @throws CryptoException.AuthenticationFailed if the header is short, forged, made for another
   *     tenant or file, or committed to another key
   */
  static OpenedEnvelope read(DataKey dek, EnvelopeContext ctx, SeekableByteChannel ch)
      throws IOException {
    if (ch.size() < EnvelopeFormat.HEADER_SIZE) {
      throw new CryptoException.AuthenticationFailed();
    }
    ByteBuffer buf = ByteBuffer.allocate(EnvelopeFormat.HEADER_SIZE);
    ChannelIo.readFullyAt(ch, 0, buf);
    byte[] headerBytes = buf.array();
    EnvelopeHeader header = EnvelopeHeaderCodec.decode(headerBytes);
    if (!header.context().equals(ctx)) {
      throw new CryptoException.AuthenticationFailed();
    }
    EnvelopeKeys keys = EnvelopeKeys.derive(dek, ctx, header.salt());
    try {
      keys.verifyHeader(header);
    } catch (CryptoException e) {
      keys.destroy();
      throw e;
    }
    return new OpenedEnvelope(header.segmentSize(), keys, headerBytes);
  }

  /**
   * The cipher for this envelope's segments. The derived keys are destroyed here, and the copy of
   * the payload key handed to the cipher is zeroed, whether or not this succeeds.
   */
  SegmentCipher segmentCipher(EnvelopeContext ctx, RandomSource random) {
    byte[] payloadKey = keys.payloadKey();
    keys.destroy();
    try {
      return new SegmentCipher(payloadKey, ctx, random);
    } finally {
      Arrays.fill(payloadKey, (byte) 0);
    }
  }
}
