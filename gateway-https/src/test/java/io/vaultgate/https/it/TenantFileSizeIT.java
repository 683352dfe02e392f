package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.CurlGateway;
import io.vaultgate.https.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's maximum file size on the HTTPS listener: a PUT or tus creation that announces more is refused with
 * 413 before any of its body is read; a chunked body that crosses the limit fails mid-stream; nothing of either
 * becomes visible.
 */
class TenantFileSizeIT {

    private static final int LIMIT = 64 * 1024;

    @TempDir
    Path dir;

    @RegisterExtension
    final CurlGateway http = new CurlGateway();

    @BeforeEach
    void configure() {
        http.gateway().core().administration().setMaxFileSize(TenantId.of(TestGateway.TENANT), LIMIT);
    }

    @Test
    void putOfExactlyTheLimit_isStored() throws Exception {
        Curl.Result put = http.curl().run("-T", write("ok.bin", LIMIT).toString(), "-H", http.bearer(),
                http.url("/v1/files/inbox/ok.bin"));

        assertThat(put.status()).as(put.stderr()).isEqualTo(201);
    }

    @Test
    void putAnnouncingMore_isRefused413_withoutSendingItsBody() throws Exception {
        String response;
        try (SSLSocket socket = (SSLSocket) http.gateway().tls().clientContext("TLS").getSocketFactory()
                .createSocket("127.0.0.1", http.gateway().port())) {
            socket.setSoTimeout(10_000);
            // 10 GiB announced, not one byte sent: the answer can only come from the headers
            socket.getOutputStream().write(("PUT /v1/files/inbox/big.bin HTTP/1.1\r\nHost: x\r\n" + http.bearer()
                    + "\r\nContent-Length: 10737418240\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            response = readAll(socket.getInputStream());
        }

        assertThat(response).startsWith("HTTP/1.1 413 ").contains("content-type: application/problem+json")
                .contains("\"type\":\"urn:vaultgate:problem:payload-too-large\"")
                .contains("maximum file size of 64 KiB (65536 bytes)").contains("connection: close");
        assertThat(http.gateway().core().uploads().active()).isZero();
        assertNothingAt("/inbox/big.bin");
    }

    @Test
    void putWithCurl_declaringTooMuch_gets413ProblemJson() throws Exception {
        Curl.Result put = http.curl().run("-T", write("big.bin", LIMIT + 1).toString(), "-H", http.bearer(),
                http.url("/v1/files/inbox/big.bin"));

        assertThat(put.status()).as(put.stderr()).isEqualTo(413);
        assertThat(put.body()).contains("payload-too-large", "65536 bytes");
        assertNothingAt("/inbox/big.bin");
    }

    @Test
    void chunkedBodyCrossingTheLimit_failsMidStream_andLeavesNothing() throws Exception {
        Curl.Result put = http.curl().run("-T", write("chunked.bin", 4 * 1024 * 1024).toString(), "-H", http.bearer(),
                "-H", "Transfer-Encoding: chunked", http.url("/v1/files/inbox/chunked.bin"));

        // the 413 goes out and the connection closes while curl may still be sending: either is a failure to curl
        assertThat(put.status() == 413 || put.exitCode() != 0).as(put.status() + " " + put.stderr()).isTrue();
        assertThat(put.status()).isNotEqualTo(201);
        if (put.status() == 413) {
            assertThat(put.body()).contains("payload-too-large", "/inbox/chunked.bin");
        }
        assertNothingAt("/inbox/chunked.bin");
    }

    @Test
    void tusCreationAnnouncingMore_isRefused413_andOneWithinIsCreated() throws Exception {
        String metadata = "filename " + Base64.getEncoder().encodeToString("t.bin".getBytes(StandardCharsets.UTF_8));

        Curl.Result refused = http.curl().run("-X", "POST", "-H", http.bearer(), "-H", "Tus-Resumable: 1.0.0",
                "-H", "Upload-Length: " + (LIMIT + 1), "-H", "Upload-Metadata: " + metadata, http.url("/v1/uploads"));
        Curl.Result created = http.curl().run("-X", "POST", "-H", http.bearer(), "-H", "Tus-Resumable: 1.0.0",
                "-H", "Upload-Length: " + LIMIT, "-H", "Upload-Metadata: " + metadata, http.url("/v1/uploads"));

        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.body()).contains("payload-too-large", "64 KiB");
        assertThat(created.status()).isEqualTo(201);
    }

    private void assertNothingAt(String path) {
        assertThatThrownBy(() -> http.gateway().core().files().stat(http.gateway().principal(), PathPolicy.parse(path)))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.NOT_FOUND));
        assertThat(http.gateway().core().files().list(http.gateway().principal(), PathPolicy.parse("/inbox"))).isEmpty();
    }

    private Path write(String name, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    /** Everything until the server closes the connection (an abrupt close keeps what arrived before it). */
    private static String readAll(InputStream in) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            in.transferTo(bytes);
        } catch (java.io.IOException closed) {
            // the response is what counts
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
