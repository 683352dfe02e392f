package io.vaultgate.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A real S3 implementation for tests: S3Proxy, in this JVM, on a random loopback port, over the jclouds
 * {@code filesystem} backend in a directory of the caller's (so a test can look at the stored bytes). It
 * speaks the S3 REST API with AWS signatures (v2 and v4) and random credentials, path-style addressing
 * ({@code http://127.0.0.1:PORT/BUCKET/KEY}); nothing is mocked. Each {@link #newBucket()} gives a test
 * its own empty bucket. {@link #close()} stops the server; the backend directory is the caller's to delete
 * (it is under a JUnit {@code @TempDir} in practice).
 *
 * <pre>{@code
 * try (S3ProxyServer s3 = S3ProxyServer.start(tempDir.resolve("s3"))) {
 *     String bucket = s3.newBucket();
 *     S3Client client = s3.client();   // path-style, region us-east-1, the server's credentials
 *     ...
 * }
 * }</pre>
 */
public final class S3ProxyServer implements AutoCloseable {

    /** The region every client of this server uses (S3Proxy accepts any). */
    public static final String REGION = "us-east-1";

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3ProxyServer shared;

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final Path backend;
    private final String accessKey;
    private final String secretKey;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy, BlobStoreContext context, Path backend, String accessKey,
                          String secretKey) {
        this.proxy = proxy;
        this.context = context;
        this.backend = backend;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Starts a server storing its buckets as directories under {@code backend} (created if missing). */
    public static S3ProxyServer start(Path backend) {
        SecureRandom random = new SecureRandom();
        String accessKey = "AK" + hex(random, 9).toUpperCase(java.util.Locale.ROOT);
        String secretKey = hex(random, 20);
        BlobStoreContext context = null;
        try {
            Files.createDirectories(backend);
            Properties properties = new Properties();
            properties.setProperty("jclouds.filesystem.basedir", backend.toAbsolutePath().toString());
            context = ContextBuilder.newBuilder("filesystem")
                    .credentials("local", "local")
                    .overrides(properties)
                    .build(BlobStoreContext.class);
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(context.getBlobStore())
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                    .jettyMaxThreads(64)
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within 10 s: " + proxy.getState());
                }
                Thread.sleep(10);
            }
            return new S3ProxyServer(proxy, context, backend, accessKey, secretKey);
        } catch (IOException e) {
            closeQuietly(context);
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            closeQuietly(context);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting S3Proxy", e);
        } catch (Exception e) {
            closeQuietly(context);
            throw new IllegalStateException("S3Proxy did not start: " + e, e);
        }
    }

    /**
     * One server for the whole test JVM, started on first use over a temporary directory and stopped (the
     * directory deleted) when the JVM exits: starting S3Proxy costs seconds, so suites that run many tests
     * against S3 share it and isolate themselves with {@link #newBucket()}. Never {@link #close()} it.
     */
    public static synchronized S3ProxyServer shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("vaultgate-s3proxy-");
                S3ProxyServer server = start(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    deleteTree(dir);
                }, "s3proxy-shutdown"));
                shared = server;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** Creates an empty bucket with a name no other test of this JVM uses, and returns the name. */
    public String newBucket() {
        String name = "vaultgate-test-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        createBucket(name);
        return name;
    }

    /** Creates a bucket of the given name (3-63 lower-case letters, digits and dashes). */
    public void createBucket(String name) {
        if (!context.getBlobStore().createContainerInLocation(null, name)) {
            throw new IllegalStateException("bucket " + name + " already exists");
        }
    }

    /** {@code http://127.0.0.1:PORT}, the address every client uses (path-style). */
    public URI endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Where the backend keeps the bytes: one directory per bucket, one file per object or part. */
    public Path backendDirectory() {
        return backend;
    }

    /** The directory holding one bucket's objects (and, while multipart uploads run, their parts). */
    public Path bucketDirectory(String bucket) {
        return backend.resolve(bucket);
    }

    /** A new client for this server; the caller closes it. */
    public S3Client client() {
        return client(builder -> { });
    }

    /** A new client, after {@code customizer} has adjusted its builder (e.g. to add an interceptor). */
    public S3Client client(Consumer<S3ClientBuilder> customizer) {
        S3ClientBuilder builder = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .forcePathStyle(true)
                // S3Proxy does not verify the SDK's default trailing (aws-chunked) checksums; the gateway's
                // own client makes the same choice (see S3Clients) and relies on SigV4 and the envelope's MACs.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey,
                        secretKey)));
        customizer.accept(builder);
        return builder.build();
    }

    /** Every regular file under a bucket's directory, for tests that inspect what the backend holds. */
    public java.util.List<Path> filesOf(String bucket) {
        java.util.List<Path> files = new java.util.ArrayList<>();
        Path dir = bucketDirectory(bucket);
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop: " + e, e);
        } finally {
            context.close();
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // the JVM is exiting; a leftover temporary directory is harmless
        }
    }

    private static String hex(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void closeQuietly(BlobStoreContext context) {
        if (context != null) {
            context.close();
        }
    }
}
