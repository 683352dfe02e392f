package io.vaultgate.core.testing;

import io.vaultgate.core.storage.FileSystemObjectStore;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.s3.S3ObjectStore;
import io.vaultgate.core.storage.s3.S3Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * The object store of a test's home directory, on the storage the run asks for: a directory
 * ({@code home/objects}, the default) or, with {@code -Dvaultgate.test.storage=s3}, a bucket of the JVM's
 * {@link S3ProxyServer}, named in {@code home/store.s3} so that reopening the home finds the same objects.
 * A {@link CatalogIndependent} class cannot open one.
 */
public final class TestStore {

    /** The system property choosing the store: {@code filesystem} (default) or {@code s3}. */
    public static final String PROPERTY = "vaultgate.test.storage";

    private static final long PART_BYTES = 5L * 1024 * 1024;
    private static final long READ_AHEAD = 1024 * 1024;
    private static final Duration ORPHAN_GRACE = Duration.ofHours(1);

    private TestStore() {
    }

    /** True when this run keeps test objects in S3 (S3Proxy). */
    public static boolean s3() {
        String value = System.getProperty(PROPERTY, "filesystem").strip().toLowerCase(Locale.ROOT);
        if (!value.equals("filesystem") && !value.equals("s3")) {
            throw new IllegalStateException("-D" + PROPERTY + "=" + value + ": expected filesystem or s3");
        }
        return value.equals("s3");
    }

    /** Opens (creating on first use) the store of {@code home}; an S3 store reads time from {@code clock}. */
    public static ObjectStore open(Path home, Clock clock) throws IOException {
        CatalogIndependent.Guard.refuse("a test object store (TestStore.open)");
        if (!s3()) {
            return new FileSystemObjectStore(home.resolve("objects"));
        }
        S3ProxyServer server = S3ProxyServer.shared();
        Files.createDirectories(home);
        Path marker = home.resolve("store.s3");
        String bucket;
        if (Files.exists(marker)) {
            bucket = Files.readString(marker, StandardCharsets.US_ASCII).strip();
        } else {
            bucket = server.newBucket();
            Files.writeString(marker, bucket, StandardCharsets.US_ASCII);
        }
        try {
            return new S3ObjectStore(server.client(), new S3Settings(bucket, "", PART_BYTES, READ_AHEAD, ORPHAN_GRACE),
                    clock);
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot open the test S3 store " + bucket, e));
        }
    }
}
