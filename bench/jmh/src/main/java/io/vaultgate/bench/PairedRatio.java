package io.vaultgate.bench;

import java.util.Arrays;

/**
 * A load-robust cross-check of the JMH ratios on a shared, busy machine: runs the envelope and
 * the raw-JCE variant of each pair alternately (A, B, A, B, ...) in one JVM after a warm-up, so both
 * see the same background load, and prints the median time of each and the ratio of the medians.
 *
 * <p>Run: {@code java -cp bench/jmh/target/benchmarks.jar io.vaultgate.bench.PairedRatio [sizeMiB] [rounds]}
 */
public final class PairedRatio {
  private PairedRatio() {}

  @FunctionalInterface
  interface Op {
    long run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int sizeMiB = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    CryptoThroughput b = new CryptoThroughput();
    b.sizeMiB = sizeMiB;
    b.chunkKiB = 32;
    b.readKiB = args.length > 3 ? Integer.parseInt(args[3]) : 128;
    b.setup();
    try {
      pair("encrypt", b::envelopeEncrypt, b::rawJceGcmEncrypt, sizeMiB, rounds);
      if (args.length > 2 && args[2].equals("diag")) {
        pair("raw+copy", b::rawJceGcmEncryptWithCopy, b::rawJceGcmEncrypt, sizeMiB, rounds);
        return;
      }
      pair("encrypt+sha256", b::envelopeEncryptWithSha256, b::rawJceGcmEncryptWithSha256,
          sizeMiB, rounds);
      pair("decrypt", b::envelopeDecrypt, b::rawJceGcmDecrypt, sizeMiB, rounds);
      pair("sftp writer", b::outOfOrderWriterToNull, b::rawJceGcmEncrypt, sizeMiB, rounds);
    } finally {
      b.tearDown();
    }
  }

  private static void pair(String name, Op envelope, Op raw, int sizeMiB, int rounds)
      throws Exception {
    for (int i = 0; i < 5; i++) {
      envelope.run();
      raw.run();
    }
    double[] e = new double[rounds];
    double[] r = new double[rounds];
    long sink = 0;
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      sink += envelope.run();
      long t1 = System.nanoTime();
      sink += raw.run();
      long t2 = System.nanoTime();
      e[i] = (t1 - t0) / 1e6;
      r[i] = (t2 - t1) / 1e6;
    }
    double me = median(e);
    double mr = median(r);
    double mb = sizeMiB * 1.048576;
    System.out.printf("%-16s envelope %8.1f ms (%6.0f MB/s)  raw JCE %8.1f ms (%6.0f MB/s)"
            + "  ratio %.2f  [%d rounds, %d MiB, sink %d]%n",
        name, me, mb / me * 1000, mr, mb / mr * 1000, mr / me, rounds, sizeMiB, sink & 1);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
