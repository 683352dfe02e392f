import io.vaultgate.core.storage.FileSystemObjectStore;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.storage.s3.S3ObjectStore;
import io.vaultgate.core.storage.s3.S3Settings;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.S3ProxyServer;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.stream.EnvelopeReader;
import io.vaultgate.crypto.stream.OutOfOrderEnvelopeWriter;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Upload and download throughput of the S3 object store (S3Proxy, filesystem backend, on loopback) against
 * the filesystem store, in interleaved rounds of the same work so both see the same machine load. Each round
 * encrypts CONCURRENCY envelopes of SIZE_MIB MiB through the store (the ingest path's writer, 32 KiB writes,
 * SHA-256 of the plaintext), commits them, then reads them back decrypted. Prints MiB/s per round and the
 * best and median S3/filesystem ratios. Run by bench/scaleout/run.
 */
public final class StoreThroughput {

    private static final TenantId TENANT = TenantId.of("bench");

    public static void main(String[] args) throws Exception {
        int sizeMiB = Integer.parseInt(System.getProperty("sizeMiB", "64"));
        int rounds = Integer.parseInt(System.getProperty("rounds", "5"));
        int concurrency = Integer.parseInt(System.getProperty("concurrency", "4"));
        Path dir = Files.createTempDirectory("vaultgate-bench-scaleout-");
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"))) {
            String bucket = s3.newBucket();
            S3ObjectStore s3Store = new S3ObjectStore(s3.client(), S3Settings.defaults(bucket), Clock.systemUTC());
            ObjectStore fsStore = new FileSystemObjectStore(dir.resolve("objects"));
            System.out.printf("store throughput: %d x %d MiB per round, %d rounds, part size %d bytes%n",
                    concurrency, sizeMiB, rounds, s3Store.partBytes());
            run(fsStore, sizeMiB, 1); // warm-up, both stores
            run(s3Store, sizeMiB, 1);
            List<Double> upRatios = new ArrayList<>();
            List<Double> downRatios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                double[] fs = run(fsStore, sizeMiB, concurrency);
                double[] obj = run(s3Store, sizeMiB, concurrency);
                upRatios.add(obj[0] / fs[0]);
                downRatios.add(obj[1] / fs[1]);
                System.out.printf("round %d: upload fs %.0f MiB/s, s3 %.0f MiB/s (%.2fx); download fs %.0f MiB/s,"
                        + " s3 %.0f MiB/s (%.2fx)%n", round, fs[0], obj[0], obj[0] / fs[0], fs[1], obj[1],
                        obj[1] / fs[1]);
            }
            System.out.printf("upload   s3/filesystem: best %.2fx, median %.2fx%n", best(upRatios), median(upRatios));
            System.out.printf("download s3/filesystem: best %.2fx, median %.2fx%n", best(downRatios),
                    median(downRatios));
            System.out.printf("peak part buffers: %d bytes for %d concurrent uploads%n", s3Store.peakBufferedBytes(),
                    concurrency);
            s3Store.close();
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** {upload MiB/s, download MiB/s} for {@code concurrency} envelopes of {@code sizeMiB}. */
    private static double[] run(ObjectStore store, int sizeMiB, int concurrency) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<ObjectId> ids = new ArrayList<>();
            List<DataKey> keys = new ArrayList<>();
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < concurrency; i++) {
                ids.add(ObjectId.random(random));
                keys.add(DataKey.generate());
            }
            long start = System.nanoTime();
            List<Future<?>> uploads = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                int n = i;
                uploads.add(pool.submit(() -> upload(store, ids.get(n), keys.get(n), sizeMiB)));
            }
            for (Future<?> f : uploads) {
                f.get();
            }
            double up = concurrency * (double) sizeMiB / ((System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            List<Future<?>> downloads = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                int n = i;
                downloads.add(pool.submit(() -> download(store, ids.get(n), keys.get(n))));
            }
            for (Future<?> f : downloads) {
                f.get();
            }
            double down = concurrency * (double) sizeMiB / ((System.nanoTime() - start) / 1e9);
            for (ObjectId id : ids) {
                store.delete(TENANT, id);
            }
            return new double[] {up, down};
        } finally {
            pool.shutdown();
        }
    }

    private static Void upload(ObjectStore store, ObjectId id, DataKey dek, int sizeMiB) throws Exception {
        var digest = java.security.MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[32 * 1024];
        new Random(id.hashCode()).nextBytes(chunk);
        PendingObject object = store.create(TENANT, id);
        OutOfOrderEnvelopeWriter writer = OutOfOrderEnvelopeWriter.create(dek, context(id), object.channel(), 64,
                digest::update);
        long total = (long) sizeMiB * 1024 * 1024;
        for (long at = 0; at < total; at += chunk.length) {
            writer.write(at, ByteBuffer.wrap(chunk));
        }
        writer.finish();
        writer.close();
        store.commit(TENANT, object);
        return null;
    }

    private static Void download(ObjectStore store, ObjectId id, DataKey dek) throws Exception {
        try (SeekableByteChannel channel = store.open(TENANT, id);
             EnvelopeReader reader = EnvelopeReader.open(dek, context(id), channel);
             InputStream in = reader.inputStream()) {
            byte[] buffer = new byte[128 * 1024];
            while (in.read(buffer) > 0) {
                // drain
            }
        }
        return null;
    }

    private static EnvelopeContext context(ObjectId id) {
        return new EnvelopeContext(TENANT.value(), "f_" + id.value());
    }

    private static double best(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
