package io.vaultgate.core.storage.s3;

import io.vaultgate.core.testing.S3ProxyServer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.shaded.org.eclipse.jetty.server.Request;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.gaul.shaded.org.eclipse.jetty.server.handler.HandlerWrapper;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy with the conditional writes S3 has and S3Proxy 2.6.0 lacks (it ignores {@code If-None-Match} on PUT): a
 * PUT with {@code If-None-Match: *} of a key that exists is answered {@code 412 PreconditionFailed}, and one that
 * arrives while another PUT of the same key is in progress {@code 409 ConditionalRequestConflict}, as AWS S3 answers
 * them (docs.aws.amazon.com, "Conditional writes"). The check is a handler in front of S3Proxy's own, in its Jetty
 * server; everything else is S3Proxy's. A test may hold PUTs in progress ({@link #holdWrites}) to make a conflict.
 */
final class ConditionalWritesS3 implements AutoCloseable {

    private final BlobStoreContext context;
    private final S3Proxy proxy;
    private final String accessKey = "AKCONDITIONAL";
    private final String secretKey = "conditional-writes-secret";
    private final Set<String> writing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger conflicts = new AtomicInteger();
    private final AtomicInteger preconditionsFailed = new AtomicInteger();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private volatile CountDownLatch held = new CountDownLatch(0);
    private volatile String refusal; // the 409 error code every conditional PUT is answered with, if set
    private final AtomicInteger refused = new AtomicInteger();

    ConditionalWritesS3(Path backend) throws Exception {
        Files.createDirectories(backend);
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", backend.toAbsolutePath().toString());
        context = ContextBuilder.newBuilder("filesystem").credentials("local", "local").overrides(properties)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey).build();
        Field server = S3Proxy.class.getDeclaredField("server");
        server.setAccessible(true);
        ((Server) server.get(proxy)).insertHandler(new ConditionalPuts(context.getBlobStore()));
        proxy.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    /** A new empty bucket. */
    String newBucket(String name) {
        context.getBlobStore().createContainerInLocation(null, name);
        return name;
    }

    /** A client of this server, path-style, as {@link S3ProxyServer#client()} makes one; the caller closes it. */
    S3Client client() {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                .region(Region.of(S3ProxyServer.REGION)).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey,
                        secretKey))).build();
    }

    /**
     * From now on a PUT of an object, once admitted, waits for {@code release} before it is stored; {@link #held}
     * counts down when one waits. {@code release} counted down lets them all go on.
     */
    void holdWrites(CountDownLatch release, CountDownLatch whenHeld) {
        held = whenHeld;
        hold = release;
    }

    /**
     * From now on every conditional PUT is answered {@code 409} with {@code errorCode} (S3 documents {@code
     * OperationAborted}: a conflicting operation on the bucket), whatever else is in progress.
     */
    void refuseConditionalWrites(String errorCode) {
        refusal = errorCode;
    }

    /** How many conditional PUTs were answered the 409 of {@link #refuseConditionalWrites}. */
    int refused() {
        return refused.get();
    }

    /** How many conditional PUTs were answered 409 (another write of the key in progress). */
    int conflicts() {
        return conflicts.get();
    }

    /** How many conditional PUTs were answered 412 (the key exists). */
    int preconditionsFailed() {
        return preconditionsFailed.get();
    }

    @Override
    public void close() throws Exception {
        hold.countDown();
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }

    /** The conditional-write check, in front of S3Proxy's handler. */
    private final class ConditionalPuts extends HandlerWrapper {
        private final BlobStore blobs;

        ConditionalPuts(BlobStore blobs) {
            this.blobs = blobs;
        }

        @Override
        public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
                throws IOException, jakarta.servlet.ServletException {
            String[] path = request.getRequestURI().substring(1).split("/", 2);
            boolean objectPut = "PUT".equals(request.getMethod()) && path.length == 2 && !path[1].isEmpty()
                    && (request.getQueryString() == null || !request.getQueryString().contains("uploadId="))
                    && request.getHeader("x-amz-copy-source") == null;
            if (!objectPut) {
                super.handle(target, base, request, response);
                return;
            }
            String bucket = path[0];
            String key = URLDecoder.decode(path[1], StandardCharsets.UTF_8);
            boolean conditional = "*".equals(request.getHeader("If-None-Match"));
            String refusing = refusal;
            if (conditional && refusing != null) {
                refused.incrementAndGet();
                error(base, response, 409, refusing, "A conflicting conditional operation is currently in progress "
                        + "against this resource. Please try again.");
                return;
            }
            if (!writing.add(bucket + "/" + key)) {
                if (conditional) {
                    conflicts.incrementAndGet();
                    error(base, response, 409, "ConditionalRequestConflict", "A conflicting conditional operation is "
                            + "currently in progress against this resource. Try again.");
                    return;
                }
                super.handle(target, base, request, response); // an unconditional PUT overwrites, as in S3
                return;
            }
            try {
                if (conditional && blobs.blobExists(bucket, key)) {
                    preconditionsFailed.incrementAndGet();
                    error(base, response, 412, "PreconditionFailed", "At least one of the pre-conditions you "
                            + "specified did not hold");
                    return;
                }
                held.countDown();
                if (!hold.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("a held PUT was not released within 30 s");
                }
                super.handle(target, base, request, response);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } finally {
                writing.remove(bucket + "/" + key);
            }
        }

        private void error(Request base, HttpServletResponse response, int status, String code, String message)
                throws IOException {
            response.setStatus(status);
            response.setContentType("application/xml");
            response.getOutputStream().write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code
                    + "</Code><Message>" + message + "</Message></Error>").getBytes(StandardCharsets.UTF_8));
            base.setHandled(true);
        }
    }
}
