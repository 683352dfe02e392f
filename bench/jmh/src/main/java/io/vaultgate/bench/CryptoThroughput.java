package io.vaultgate.bench;

import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.stream.EnvelopeReader;
import io.vaultgate.crypto.stream.EnvelopeWriter;
import io.vaultgate.crypto.stream.OutOfOrderEnvelopeWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Streaming envelope encryption and decryption against raw JCE AES-256-GCM over the same 64 KiB
 * segments, in one run. One operation processes {@code sizeMiB} MiB of plaintext, fed in
 * {@code chunkKiB} writes from a 1 MiB buffer that is reused (the stream never exists whole in
 * memory, so heap stays constant whatever {@code sizeMiB}). MB/s = sizeMiB * 1.048576 / (s/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 4, time = 4)
public class CryptoThroughput {
  private static final int SEG = EnvelopeFormat.DEFAULT_SEGMENT_SIZE;
  private static final EnvelopeContext CTX = new EnvelopeContext("bench-tenant", "bench-file");

  @Param({"1024"})
  public int sizeMiB;

  /** Size of each plaintext write (SFTP clients typically send 32 KiB). */
  @Param({"32"})
  public int chunkKiB;

  /** Size of each plaintext read; reads of a whole segment or more decrypt without a copy. */
  @Param({"128"})
  public int readKiB;

  private byte[] plain;
  private byte[] sealed;
  private byte[] copyBuffer = new byte[SEG];
  private byte[] rawSealedRegion;
  private byte[] decrypted = new byte[SEG];
  private DataKey dek;
  private SecretKeySpec rawKey;
  private Cipher rawCipher;
  private byte[] nonce;
  private static final int ENVELOPE_MIB = 64;
  private byte[] envelope;
  private MessageDigest sha256;
  private Path tmp;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    plain = new byte[1 << 20];
    new Random(1).nextBytes(plain);
    sealed = new byte[SEG + EnvelopeFormat.SEGMENT_OVERHEAD];
    dek = DataKey.generate();
    byte[] k = new byte[32];
    new Random(2).nextBytes(k);
    rawKey = new SecretKeySpec(k, "AES");
    rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
    nonce = new byte[12];
    sha256 = MessageDigest.getInstance("SHA-256");
    tmp = Files.createTempFile("vaultgate-bench", ".env");

  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(tmp);
  }

  /** Baseline: raw JCE AES-256-GCM, one init (fresh counter nonce) and doFinal per 64 KiB segment. */
  @Benchmark
  public long rawJceGcmEncrypt() throws GeneralSecurityException {
    NullChannel sink = new NullChannel();
    long total = (long) sizeMiB << 20;
    long sum = 0;
    for (long done = 0, seg = 0; done < total; done += SEG, seg++) {
      sum += rawSeal(seg, (int) (done & ((1 << 20) - 1)));
      sink.write(ByteBuffer.wrap(sealed));
    }
    return sum + sink.written;
  }

  /** Diagnostic: the baseline plus one copy of each 64 KiB segment (what buffering costs). */
  @Benchmark
  public long rawJceGcmEncryptWithCopy() throws GeneralSecurityException {
    NullChannel sink = new NullChannel();
    long total = (long) sizeMiB << 20;
    long sum = 0;
    byte[] staging = copyBuffer;
    for (long done = 0, seg = 0; done < total; done += SEG, seg++) {
      int off = (int) (done & ((1 << 20) - 1));
      System.arraycopy(plain, off, staging, 0, SEG);
      for (int i = 0; i < 8; i++) {
        nonce[4 + i] = (byte) (seg >>> (56 - 8 * i));
      }
      rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
      rawCipher.updateAAD(nonce, 0, 9);
      sum += rawCipher.doFinal(staging, 0, SEG, sealed, 12);
      sink.write(ByteBuffer.wrap(sealed));
    }
    return sum + sink.written;
  }

  /** Baseline plus SHA-256 of the plaintext in the same pass. */
  @Benchmark
  public long rawJceGcmEncryptWithSha256() throws GeneralSecurityException {
    long total = (long) sizeMiB << 20;
    long sum = 0;
    for (long done = 0, seg = 0; done < total; done += SEG, seg++) {
      int off = (int) (done & ((1 << 20) - 1));
      sha256.update(plain, off, SEG);
      sum += rawSeal(seg, off);
    }
    return sum + sha256.digest()[0];
  }

  /**
   * Baseline decrypt: raw JCE AES-256-GCM over a 64 MiB region of sealed 64 KiB segments, read
   * segment by segment through the same kind of in-memory channel the envelope reader uses.
   */
  @Benchmark
  public long rawJceGcmDecrypt() throws GeneralSecurityException, IOException {
    byte[] out = decrypted;
    int stride = SEG + EnvelopeFormat.SEGMENT_OVERHEAD;
    if (rawSealedRegion == null) { // built on first use, so encrypt-only runs fit a small heap
      rawSealedRegion = new byte[ENVELOPE_MIB * 16 * stride];
      for (int seg = 0; seg < ENVELOPE_MIB * 16; seg++) {
        rawSeal(seg, (seg % 16) * SEG);
        System.arraycopy(sealed, 0, rawSealedRegion, seg * stride, stride);
      }
    }
    ByteBuffer in = ByteBuffer.wrap(sealed);
    long sum = 0;
    for (int i = 0; i < Math.max(1, sizeMiB / ENVELOPE_MIB); i++) {
      ByteArrayChannel ch = new ByteArrayChannel(rawSealedRegion);
      for (int seg = 0; seg < ENVELOPE_MIB * 16; seg++) {
        in.clear();
        ch.position((long) seg * stride);
        while (in.hasRemaining() && ch.read(in) > 0) {
          // fill one sealed segment
        }
        rawCipher.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, sealed, 0, 12));
        rawCipher.updateAAD(sealed, 0, 9);
        sum += rawCipher.doFinal(sealed, 12, stride - 12, out, 0);
      }
    }
    return sum;
  }

  /** The product path for HTTPS uploads: EnvelopeWriter, any write size. */
  @Benchmark
  public long envelopeEncrypt() throws IOException {
    NullChannel sink = new NullChannel();
    try (EnvelopeWriter w = EnvelopeWriter.open(dek, CTX, sink)) {
      feed(w, null);
    }
    return sink.written;
  }

  /** EnvelopeWriter plus the caller's SHA-256 of the plaintext in the same pass. */
  @Benchmark
  public long envelopeEncryptWithSha256() throws IOException {
    NullChannel sink = new NullChannel();
    try (EnvelopeWriter w = EnvelopeWriter.open(dek, CTX, sink)) {
      feed(w, sha256);
    }
    return sink.written + sha256.digest()[0];
  }

  /** The SFTP path: OutOfOrderEnvelopeWriter to a temp file, in-order writes, SHA-256 listener. */
  @Benchmark
  public long outOfOrderWriterWithSha256ToFile() throws IOException {
    try (FileChannel f = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(dek, CTX, f, 64, sha256::update)) {
      int chunk = chunkKiB << 10;
      long total = (long) sizeMiB << 20;
      for (long done = 0; done < total; done += chunk) {
        w.write(done, ByteBuffer.wrap(plain, (int) (done & ((1 << 20) - 1)), chunk));
      }
      return w.finish() + sha256.digest()[0];
    }
  }

  /** The SFTP path without disk: OutOfOrderEnvelopeWriter to a discarding channel, no digest. */
  @Benchmark
  public long outOfOrderWriterToNull() throws IOException {
    NullSeekableChannel sink = new NullSeekableChannel();
    try (OutOfOrderEnvelopeWriter w = OutOfOrderEnvelopeWriter.create(dek, CTX, sink, 64, null)) {
      int chunk = chunkKiB << 10;
      long total = (long) sizeMiB << 20;
      for (long done = 0; done < total; done += chunk) {
        w.write(done, ByteBuffer.wrap(plain, (int) (done & ((1 << 20) - 1)), chunk));
      }
      return w.finish() + sink.written;
    }
  }

  /** EnvelopeReader sequential decrypt of a 64 MiB envelope, re-read to make sizeMiB MiB. */
  @Benchmark
  public long envelopeDecrypt() throws IOException {
    if (envelope == null) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(ENVELOPE_MIB << 20 | 4096);
      try (EnvelopeWriter w = EnvelopeWriter.open(dek, CTX, java.nio.channels.Channels.newChannel(out))) {
        for (int i = 0; i < ENVELOPE_MIB; i++) {
          w.write(ByteBuffer.wrap(plain));
        }
      }
      envelope = out.toByteArray();
    }
    byte[] buf = new byte[readKiB << 10];
    long sum = 0;
    for (int i = 0; i < Math.max(1, sizeMiB / ENVELOPE_MIB); i++) {
      try (EnvelopeReader r = EnvelopeReader.open(dek, CTX, new ByteArrayChannel(envelope));
          InputStream in = r.inputStream()) {
        for (int n; (n = in.read(buf)) > 0; ) {
          sum += n;
        }
      }
    }
    return sum;
  }

  private int rawSeal(long seg, int off) throws GeneralSecurityException {
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (seg >>> (56 - 8 * i));
    }
    rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce));
    rawCipher.updateAAD(nonce, 0, 9);
    System.arraycopy(nonce, 0, sealed, 0, 12);
    return rawCipher.doFinal(plain, off, SEG, sealed, 12);
  }

  private void feed(EnvelopeWriter w, MessageDigest digest) throws IOException {
    int chunk = chunkKiB << 10;
    long total = (long) sizeMiB << 20;
    for (long done = 0; done < total; done += chunk) {
      int off = (int) (done & ((1 << 20) - 1));
      if (digest != null) {
        digest.update(plain, off, chunk);
      }
      w.write(ByteBuffer.wrap(plain, off, chunk));
    }
  }
}
