package io.vaultgate.crypto.stream;

import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.internal.RandomSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

/** Test helpers: seal and open whole byte arrays. */
public final class Envelopes {
  private Envelopes() {}

  public static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  public static byte[] seal(DataKey dek, EnvelopeContext ctx, byte[] plain) throws IOException {
    MemoryChannel out = new MemoryChannel();
    try (EnvelopeWriter w = EnvelopeWriter.open(dek, ctx, out)) {
      w.write(ByteBuffer.wrap(plain));
    }
    return out.toByteArray();
  }

  public static byte[] seal(DataKey dek, EnvelopeContext ctx, byte[] plain, int segmentSize,
      RandomSource random) throws IOException {
    MemoryChannel out = new MemoryChannel();
    try (EnvelopeWriter w = EnvelopeWriter.open(dek, ctx, out, segmentSize, random)) {
      w.write(ByteBuffer.wrap(plain));
    }
    return out.toByteArray();
  }

  public static byte[] open(DataKey dek, EnvelopeContext ctx, byte[] envelope) throws IOException {
    try (EnvelopeReader r = EnvelopeReader.open(dek, ctx, new MemoryChannel(envelope))) {
      return r.inputStream().readAllBytes();
    }
  }
}
