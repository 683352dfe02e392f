package io.vaultgate.server.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.S3ProxyServer;
import io.vaultgate.server.VaultgateApplication;
import io.vaultgate.server.config.ConfigLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate run} with {@code storage.type: s3} against a real S3 implementation (S3Proxy on loopback,
 * filesystem backend): a real {@code curl} uploads a file that carries a plaintext marker, downloads it back
 * identical, and the bytes S3 stores — every file of the backend — are ciphertext without the marker. Nothing
 * lands in the local object directory, and readiness checks the bucket, not a local directory.
 */
class S3StorageIT {

    private static final byte[] MARKER = "VAULTGATE-PLAINTEXT-MARKER-7f3a".getBytes(StandardCharsets.US_ASCII);
    private static final int SIZE = 13 * 1024 * 1024 + 4321;

    @TempDir
    Path dir;

    @Test
    void curlUploadThroughAnS3BackedGateway_downloadsIdentical_andS3HoldsOnlyCiphertext() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"))) {
            String bucket = s3.newBucket();
            Path home = dir.resolve("home");
            Map<String, String> overrides = Map.ofEntries(Map.entry("home", home.toString()),
                    Map.entry("sftp.bind", "127.0.0.1"), Map.entry("sftp.port", "0"),
                    Map.entry("https.bind", "127.0.0.1"), Map.entry("https.port", "0"), Map.entry("ops.port", "0"),
                    Map.entry("storage.type", "s3"), Map.entry("storage.s3.endpoint", s3.endpoint().toString()),
                    Map.entry("storage.s3.bucket", bucket), Map.entry("storage.s3.path-style", "true"),
                    Map.entry("storage.s3.part-size", "5MiB"));
            Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(),
                    "AWS_SECRET_ACCESS_KEY", s3.secretKey());
            Path file = markedFile(dir.resolve("upload.bin"));

            try (VaultgateApplication app = VaultgateApplication.start(
                    ConfigLoader.load(Optional.empty(), env, overrides), env)) {
                HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + app.opsPort().orElseThrow() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(ready.body()).contains("\"store\"").doesNotContain("store-directory");
                app.core().administration().createTenant(TenantId.of("acme"), "Acme", false);
                app.core().administration().createAccount(TenantId.of("acme"), "alice");
                String token = app.core().administration().issueAccountToken("alice", "s3 test");
                Curl curl = new Curl(app.dataDirectory().caCertificate());
                String url = "https://127.0.0.1:" + app.httpsPort().orElseThrow() + "/v1/files/inbox/upload.bin";

                Curl.Result put = curl.upload(token, file, url, 120);
                assertThat(put.output()).as("curl PUT: %s", put).isIn("200", "201", "204");
                Path back = dir.resolve("back.bin");
                Curl.Result get = curl.download(token, url, back, 120);
                assertThat(get.output()).as("curl GET: %s", get).isEqualTo("200");

                assertThat(sha256(back)).isEqualTo(sha256(file));
            }

            List<Path> stored = s3.filesOf(bucket);
            assertThat(stored).as("the ciphertext object in the bucket")
                    .anySatisfy(p -> assertThat(Files.size(p)).isGreaterThan(SIZE));
            for (Path p : stored) {
                assertThat(contains(Files.readAllBytes(p), MARKER)).as("plaintext marker in %s", p).isFalse();
            }
            assertThat(contains(Files.readAllBytes(file), MARKER)).as("the marker is in the original").isTrue();
            Path localObjects = home.resolve("objects");
            if (Files.isDirectory(localObjects)) {
                try (Stream<Path> files = Files.walk(localObjects)) {
                    assertThat(files.filter(Files::isRegularFile)).as("nothing in the local object store").isEmpty();
                }
            }
        }
    }

    /** Random bytes with the marker written every 64 KiB, so any plaintext segment would show it. */
    private static Path markedFile(Path file) throws IOException {
        Random random = new Random(13);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < SIZE; written += block.length) {
                random.nextBytes(block);
                System.arraycopy(MARKER, 0, block, 100, MARKER.length);
                out.write(block, 0, Math.min(block.length, SIZE - written));
            }
        }
        return file;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
