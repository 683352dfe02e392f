package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusURLStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.https.HttpsServer;
import io.vaultgate.https.HttpsServices;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.testing.TestFiles;
import io.vaultgate.https.testing.TestGateway;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resumable uploads with tus 1.0, driven by the official tus Java client and by hand-made requests. */
class TusIT {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private TestGateway gateway;
    private SSLContext tls;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir);
        tls = gateway.tls().clientContext("TLS");
        http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void tusClient_100MiB_killedAt40Percent_resumes_andTheSha256Matches() throws Exception {
        Path file = dir.resolve("big.bin");
        String sha = TestFiles.writeRandom(file, 100);
        TusURLStore urls = new TusURLMemoryStore();

        TusUploader first = client(urls).createUpload(upload(file));
        first.setChunkSize(MIB);
        first.setRequestPayloadSize(8 * MIB);
        while (first.getOffset() < 40L * MIB) {
            first.uploadChunk();
        }
        first.finish(false);
        long beforeKill = first.getOffset();
        killMidBody(first.getUploadURL(), beforeKill, 5 * MIB);
        awaitPartialLongerThan("/inbox/big.bin", beforeKill);

        TusUploader second = client(urls).resumeUpload(upload(file));
        assertThat(second.getOffset()).isGreaterThanOrEqualTo(40L * MIB).isLessThan(100L * MIB);
        second.setChunkSize(MIB);
        second.setRequestPayloadSize(16 * MIB);
        while (second.uploadChunk() > -1) {
            // keep sending
        }
        second.finish();

        HttpResponse<Path> download = http.send(authorized("/v1/files/inbox/big.bin").GET().build(),
                HttpResponse.BodyHandlers.ofFile(dir.resolve("back.bin")));
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(TestFiles.sha256(download.body())).isEqualTo(sha);
    }

    @Test
    void options_advertisesVersionAndExtensions_withoutCredentials() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.uri("/v1/uploads"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("tus-version")).contains("1.0.0");
        assertThat(response.headers().firstValue("tus-extension")).contains("creation,termination,checksum");
        assertThat(response.headers().firstValue("tus-checksum-algorithm")).contains("sha256");
    }

    @Test
    void checksumMatch_isAccepted_andMismatch_is460_andDiscardsTheUpload() throws Exception {
        byte[] chunk = "first half".getBytes(StandardCharsets.UTF_8);
        String good = create("inbox/c.txt", 20);
        assertThat(patch(good, 0, chunk, "sha256 " + base64Sha256(chunk)).statusCode()).isEqualTo(204);
        assertThat(head(good).headers().firstValue("upload-offset")).contains("10");

        HttpResponse<String> bad = patch(good, 10, chunk, "sha256 " + base64Sha256(new byte[1]));

        assertThat(bad.statusCode()).isEqualTo(460);
        assertThat(head(good).statusCode()).isEqualTo(404);
    }

    @Test
    void wrongOffset_is409_andTheUploadSurvives() throws Exception {
        String url = create("inbox/o.txt", 6);
        patch(url, 0, "abc".getBytes(StandardCharsets.UTF_8), null);

        assertThat(patch(url, 0, "abc".getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(409);
        HttpResponse<String> last = patch(url, 3, "def".getBytes(StandardCharsets.UTF_8), null);

        assertThat(last.statusCode()).isEqualTo(204);
        assertThat(last.headers().firstValue("upload-offset")).contains("6");
        assertThat(last.headers().firstValue("vaultgate-receipt")).hasValueSatisfying(v -> assertThat(v).startsWith("vgr1."));
        assertThat(http.send(authorized("/v1/files/inbox/o.txt").GET().build(), HttpResponse.BodyHandlers.ofString())
                .body()).isEqualTo("abcdef");
    }

    @Test
    void reUploadOverACommittedFile_reportsThePartialsOffset_notTheOldFile() throws Exception {
        http.send(authorized("/v1/files/inbox/daily.csv").PUT(HttpRequest.BodyPublishers.ofString("old!!!")).build(),
                HttpResponse.BodyHandlers.discarding());
        String url = create("inbox/daily.csv", 6);
        patch(url, 0, "new".getBytes(StandardCharsets.UTF_8), null);

        assertThat(head(url).headers().firstValue("upload-offset")).contains("3");
        assertThat(patch(url, 3, "est".getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(204);
        assertThat(head(url).headers().firstValue("upload-offset")).contains("6");
        assertThat(http.send(authorized("/v1/files/inbox/daily.csv").GET().build(), HttpResponse.BodyHandlers.ofString())
                .body()).isEqualTo("newest");
    }

    @Test
    void aSecondCreationOfTheSamePathAndLength_getsItsOwnUrl_andTheFirstUrlCanNoLongerAddToIt() throws Exception {
        String first = create("inbox/twice.txt", 6);
        patch(first, 0, "AAA".getBytes(StandardCharsets.UTF_8), null);
        String second = create("inbox/twice.txt", 6); // replaces the first upload's partial

        assertThat(second).isNotEqualTo(first);
        assertThat(head(first).statusCode()).isEqualTo(404);
        assertThat(patch(first, 0, "AAA".getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(404);
        assertThat(head(second).headers().firstValue("upload-offset")).contains("0");
        patch(second, 0, "bbb".getBytes(StandardCharsets.UTF_8), null);
        assertThat(patch(second, 3, "ccc".getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(204);
        assertThat(head(first).statusCode()).as("the first URL does not report the second upload's file").isEqualTo(404);
        assertThat(http.send(authorized("/v1/files/inbox/twice.txt").GET().build(), HttpResponse.BodyHandlers.ofString())
                .body()).isEqualTo("bbbccc");
    }

    /**
     * The reviewer's forgery: limit 100 bytes, an upload created with {@code Upload-Length: 10}, its id re-encoded
     * as {@code 1000:fileId:/inbox/f.bin}. Neither the bare re-encoded id nor one with the real URL's MAC is
     * accepted, nothing of the 1000 bytes is stored, and the real URL still finishes the 10-byte upload.
     */
    @Test
    void aUrlWithAForgedLength_isUnknown_andNothingPassesTheLimit() throws Exception {
        gateway.close();
        gateway = TestGateway.start(dir.resolve("small"), settings -> settings.withMaxUploadBytes(100));
        tls = gateway.tls().clientContext("TLS");
        http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
        String url = create("inbox/f.bin", 10);
        String id = url.substring(url.lastIndexOf('/') + 1);
        int dot = id.indexOf('.');
        String text = new String(Base64.getUrlDecoder().decode(dot < 0 ? id : id.substring(0, dot)),
                StandardCharsets.UTF_8);
        assertThat(text).startsWith("10:").endsWith(":/inbox/f.bin");
        String forged = "/v1/uploads/" + Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("1000" + text.substring(2)).getBytes(StandardCharsets.UTF_8));

        for (String attempt : new String[] {forged, forged + (dot < 0 ? "" : id.substring(dot))}) {
            assertThat(patch(attempt, 0, new byte[500], null).statusCode()).as(attempt).isEqualTo(404);
            assertThat(patch(attempt, 500, new byte[500], null).statusCode()).as(attempt).isEqualTo(404);
            assertThat(head(attempt).statusCode()).as(attempt).isEqualTo(404);
        }

        assertThat(http.send(authorized("/v1/files/inbox/f.bin").GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(404);
        assertThat(head(url).headers().firstValue("upload-offset")).contains("0");
        assertThat(head(url).headers().firstValue("upload-length")).contains("10");
        assertThat(patch(url, 0, new byte[11], null).statusCode()).isEqualTo(413);
        assertThat(patch(url, 0, "0123456789".getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(204);
        assertThat(http.send(authorized("/v1/files/inbox/f.bin").GET().build(), HttpResponse.BodyHandlers.ofString())
                .body()).isEqualTo("0123456789");
    }

    /**
     * A URL is accepted by another listener of the same gateway, as by another node or after a restart: its MAC
     * key is derived from the audit signing key every node holds, not chosen by the listener.
     */
    @Test
    void aUrlIssuedByOneListener_isContinuedThroughAnother() throws Exception {
        String url = create("inbox/moved.txt", 6);
        assertThat(patch(url, 0, "abc".getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(204);
        GatewayCore core = gateway.core();

        try (HttpsServer other = HttpsServer.start(HttpsSettings.defaults(gateway.tls().serverMaterial())
                .withAddress("127.0.0.1", 0), new HttpsServices(core.authenticator(), core.files(), core.ingest(),
                core.batches(), core.receipts()))) {
            HttpRequest.Builder there = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + other.port() + url))
                    .header("Authorization", "Bearer " + gateway.token()).header("Tus-Resumable", "1.0.0");
            HttpResponse<String> head = http.send(there.copy().method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> patched = http.send(there.copy().header("Content-Type", "application/offset+octet-stream")
                    .header("Upload-Offset", "3").method("PATCH", HttpRequest.BodyPublishers.ofString("def")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("upload-offset")).contains("3");
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(204);
        }
        assertThat(http.send(authorized("/v1/files/inbox/moved.txt").GET().build(), HttpResponse.BodyHandlers.ofString())
                .body()).isEqualTo("abcdef");
    }

    @Test
    void termination_removesThePartial() throws Exception {
        String url = create("inbox/t.txt", 100);
        patch(url, 0, new byte[10], null);

        HttpResponse<String> deleted = http.send(authorized(url).header("Tus-Resumable", "1.0.0").DELETE().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(head(url).statusCode()).isEqualTo(404);
    }

    @Test
    void missingTusResumable_is412() throws Exception {
        HttpResponse<String> response = http.send(authorized("/v1/uploads").header("Upload-Length", "5")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(412);
    }

    private TusClient client(TusURLStore urls) throws Exception {
        TusClient client = new TusClient() {
            @Override
            public void prepareConnection(HttpURLConnection connection) {
                super.prepareConnection(connection);
                ((HttpsURLConnection) connection).setSSLSocketFactory(tls.getSocketFactory());
            }
        };
        client.setUploadCreationURL(new URL(gateway.url("/v1/uploads")));
        client.enableResuming(urls);
        client.setHeaders(Map.of("Authorization", "Bearer " + gateway.token()));
        return client;
    }

    private static TusUpload upload(Path file) throws Exception {
        TusUpload upload = new TusUpload(file.toFile());
        upload.setMetadata(Map.of("filename", file.getFileName().toString()));
        return upload;
    }

    /** Starts a PATCH announcing {@code length} more bytes, sends part of them and drops the connection. */
    private void killMidBody(URL upload, long offset, int sent) throws Exception {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", gateway.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + upload.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
                    + "Authorization: Bearer " + gateway.token() + "\r\nContent-Type: application/offset+octet-stream\r\n"
                    + "Upload-Offset: " + offset + "\r\nContent-Length: " + (100L * MIB - offset) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            try (FileChannel source = FileChannel.open(dir.resolve("big.bin"))) {
                ByteBuffer part = ByteBuffer.allocate(sent);
                source.read(part, offset);
                out.write(part.array(), 0, part.position());
            }
            out.flush();
        }
    }

    /**
     * Waits until the upload killed mid-body is a partial again, holding some of the bytes it sent: the file was
     * already a partial before that request, so "partial" alone could be seen before the gateway took it up.
     */
    private void awaitPartialLongerThan(String path, long size) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                FileEntry entry = gateway.core().files().stat(gateway.principal(), PathPolicy.parse(path));
                if (entry.partial() && entry.size() > size) {
                    return;
                }
            } catch (RuntimeException stillUploading) {
                // the dropped connection has not been cleaned up yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no partial upload longer than " + size + " bytes appeared at " + path);
    }

    private String create(String path, long length) throws Exception {
        HttpResponse<String> response = http.send(authorized("/v1/uploads").header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", String.valueOf(length))
                .header("Upload-Metadata", "path " + Base64.getEncoder().encodeToString(path.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.headers().firstValue("location").orElseThrow();
    }

    private HttpResponse<String> patch(String url, long offset, byte[] body, String checksum) throws Exception {
        HttpRequest.Builder request = authorized(url).header("Tus-Resumable", "1.0.0")
                .header("Content-Type", "application/offset+octet-stream").header("Upload-Offset", String.valueOf(offset))
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body));
        if (checksum != null) {
            request.header("Upload-Checksum", checksum);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> head(String url) throws Exception {
        return http.send(authorized(url).header("Tus-Resumable", "1.0.0").method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + gateway.token());
    }

    private static String base64Sha256(byte[] data) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
    }

}
