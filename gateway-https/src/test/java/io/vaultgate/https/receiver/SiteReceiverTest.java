package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.forward.ForwardProtocol;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver's side of the protocol, driven by hand-made requests over mutual TLS. */
class SiteReceiverTest {

    @TempDir
    Path home;
    private ReceiverFixture fixture;
    private RawPut gateway;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ReceiverFixture(home);
        fixture.startReceiver();
        gateway = new RawPut(fixture.endpoint(), fixture.clientCertificate, fixture.siteCa.certificate());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void newFile_isAnswered201_withTheDigestItComputed() throws Exception {
        byte[] body = "id,amount\n1,100\n".getBytes();
        HttpResponse<String> response = gateway.put("f_1", "/inbox/a.csv", body);

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Repr-Digest")).contains(
                io.vaultgate.core.forward.ForwardProtocol.reprDigest(RawPut.sha256(body)));
        assertThat(response.body()).contains("\"duplicate\":false");
        assertThat(Files.readAllBytes(fixture.drop.resolve("acme/acme-upload/inbox/a.csv"))).isEqualTo(body);
    }

    @Test
    void sameKeyAndDigestAgain_isAnswered200_withoutRewritingTheFile() throws Exception {
        byte[] body = "v1".getBytes();
        gateway.put("f_1", "/inbox/a.csv", body);
        Files.writeString(fixture.drop.resolve("acme/acme-upload/inbox/a.csv"), "processed by the site");

        HttpResponse<String> again = gateway.put("f_1", "/inbox/a.csv", body);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"duplicate\":true");
        assertThat(Files.readString(fixture.drop.resolve("acme/acme-upload/inbox/a.csv"))).isEqualTo("processed by the site");
    }

    @Test
    void sameKeyWithAnotherDigest_isRefusedForGood_with422() throws Exception {
        gateway.put("f_1", "/inbox/a.csv", "v1".getBytes());
        HttpResponse<String> other = gateway.put("f_1", "/inbox/a.csv", "v2".getBytes());
        assertThat(other.statusCode()).as("final: the gateway does not retry it").isEqualTo(422);
        assertThat(other.body()).contains("already received with another digest");
        assertThat(Files.readString(fixture.drop.resolve("acme/acme-upload/inbox/a.csv"))).isEqualTo("v1");
    }

    @Test
    void bodyThatDoesNotMatchItsDigest_isRefused_andLeavesNothing() throws Exception {
        HttpResponse<String> response = gateway.put("f_1", "/inbox/a.csv", "tampered".getBytes(),
                RawPut.sha256("original".getBytes()));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("differs");
        assertThat(Files.exists(fixture.drop.resolve("acme/acme-upload/inbox/a.csv"))).isFalse();
        assertThat(count(fixture.drop.resolve(".vaultgate/tmp"))).isZero();
        assertThat(gateway.put("f_1", "/inbox/a.csv", "original".getBytes()).statusCode())
                .as("a refused key is not remembered").isEqualTo(201);
    }

    @Test
    void traversalInThePath_isRefusedForGood() throws Exception {
        assertThat(gateway.put("f_1", "/inbox/../../../etc/passwd", "x".getBytes()).statusCode()).isEqualTo(422);
        assertThat(gateway.put("f_2", "/inbox/a\\b", "x".getBytes()).statusCode()).isEqualTo(422);
        assertThat(gateway.put("f_3", "/inbox//a", "x".getBytes()).statusCode()).isEqualTo(422);
        assertThat(Files.exists(home.resolve("etc"))).isFalse();
        assertThat(Files.exists(fixture.drop.resolve("acme"))).isFalse();
    }

    @Test
    void fileWithoutTheAccountThatSentIt_isRefused_namingTheMissingField() throws Exception {
        byte[] body = "x".getBytes();
        HttpResponse<String> response = gateway.client().send(java.net.http.HttpRequest.newBuilder(
                        fixture.endpoint().resolve("/files/f_1"))
                .header(ForwardProtocol.IDEMPOTENCY_KEY, "f_1")
                .header(ForwardProtocol.REPR_DIGEST, ForwardProtocol.reprDigest(RawPut.sha256(body)))
                .header(ForwardProtocol.TENANT, "acme")
                .header(ForwardProtocol.PATH, "/inbox/a.csv")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Vaultgate-Account is missing");
        assertThat(Files.exists(fixture.drop.resolve("acme"))).isFalse();
    }

    @Test
    void connectionStaysUsable_afterARefusedRequest() throws Exception {
        assertThat(gateway.put("f_1", "/inbox/../x", "x".getBytes()).statusCode()).isEqualTo(422);
        assertThat(gateway.put("f_2", "/inbox/x", "x".getBytes()).statusCode()).isEqualTo(201);
    }

    @Test
    void requestsOutsideTheProtocol_areRefused() throws Exception {
        java.net.http.HttpClient client = gateway.client();
        java.net.URI file = fixture.endpoint().resolve("/files/f_1");
        assertThat(client.send(java.net.http.HttpRequest.newBuilder(file).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(client.send(java.net.http.HttpRequest.newBuilder(fixture.endpoint().resolve("/other/f_1"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        HttpResponse<String> noHeaders = client.send(java.net.http.HttpRequest.newBuilder(file)
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noHeaders.statusCode()).isEqualTo(400);
        assertThat(noHeaders.body()).contains("Idempotency-Key");
        assertThat(Files.exists(fixture.drop.resolve("acme"))).isFalse();
    }

    @Test
    void fileOverTheLimit_isRefused_andLeavesNothing() throws Exception {
        fixture.receiver.close();
        fixture.receiver = SiteReceiver.start(new ReceiverSettings(ReceiverFixture.SITE,
                new java.net.InetSocketAddress("127.0.0.1", 0),
                fixture.drop, java.util.List.of(fixture.gatewayCa.certificate()), 1024, java.time.Duration.ofSeconds(30)),
                io.vaultgate.https.TlsMaterial.of(fixture.receiverCertificate.privateKey(),
                        fixture.receiverCertificate.chain()));
        RawPut small = new RawPut(fixture.endpoint(), fixture.clientCertificate, fixture.siteCa.certificate());

        assertThat(small.put("f_1", "/inbox/big", new byte[4096]).statusCode()).isEqualTo(413);
        assertThat(small.put("f_2", "/inbox/ok", new byte[1024]).statusCode()).isEqualTo(201);
        assertThat(Files.exists(fixture.drop.resolve("acme/acme-upload/inbox/big"))).isFalse();
        assertThat(count(fixture.drop.resolve(".vaultgate/tmp"))).isZero();
    }

    @Test
    void fileDeclaredOverTheLimit_isAnswered413AtOnce_withoutReadingItsBody() throws Exception {
        fixture.receiver.close();
        fixture.receiver = SiteReceiver.start(new ReceiverSettings(ReceiverFixture.SITE,
                new java.net.InetSocketAddress("127.0.0.1", 0),
                fixture.drop, java.util.List.of(fixture.gatewayCa.certificate()), 1024, java.time.Duration.ofSeconds(30)),
                io.vaultgate.https.TlsMaterial.of(fixture.receiverCertificate.privateKey(),
                        fixture.receiverCertificate.chain()));
        javax.net.ssl.SSLContext tls = RawPut.context(fixture.clientCertificate, fixture.siteCa.certificate());
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(
                "127.0.0.1", fixture.receiver.address().getPort())) {
            socket.setSoTimeout(5000);
            String digest = io.vaultgate.core.forward.ForwardProtocol.reprDigest("0".repeat(64));
            socket.getOutputStream().write(("PUT /files/f_1 HTTP/1.1\r\nHost: site\r\nIdempotency-Key: f_1\r\n"
                    + "Repr-Digest: " + digest + "\r\nVaultgate-Tenant: acme\r\n"
                    + "Vaultgate-Account: acme-upload\r\nVaultgate-Path: /inbox/huge\r\n"
                    + "Content-Length: 107374182400\r\n\r\n" + "x".repeat(1000)).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush(); // 100 GiB announced, 1000 bytes sent: the answer must not wait for more

            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();

            assertThat(status).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
        }
        assertThat(Files.exists(fixture.drop.resolve("acme/acme-upload/inbox/huge"))).isFalse();
    }

    @Test
    void requestsPipelinedBehindARefusalThatEndsTheConnection_areNotHandled() throws Exception {
        fixture.receiver.close();
        fixture.receiver = SiteReceiver.start(new ReceiverSettings(ReceiverFixture.SITE,
                new java.net.InetSocketAddress("127.0.0.1", 0),
                fixture.drop, java.util.List.of(fixture.gatewayCa.certificate()), 1024, java.time.Duration.ofSeconds(30)),
                io.vaultgate.https.TlsMaterial.of(fixture.receiverCertificate.privateKey(),
                        fixture.receiverCertificate.chain()));
        javax.net.ssl.SSLContext tls = RawPut.context(fixture.clientCertificate, fixture.siteCa.certificate());
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(
                "127.0.0.1", fixture.receiver.address().getPort())) {
            socket.setSoTimeout(5000);
            byte[] small = "a".getBytes(StandardCharsets.US_ASCII);
            byte[] big = "x".repeat(2048).getBytes(StandardCharsets.US_ASCII);
            String pipelined = rawPut("f_1", "/inbox/first", small, small.length) // finishes on the pool
                    + rawPut("f_2", "/inbox/huge", big, big.length) // 413: the connection ends
                    + rawPut("f_3", "/inbox/after", small, small.length); // must not be handled
            socket.getOutputStream().write(pipelined.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            assertThat(answers).contains("HTTP/1.1 201 Created", "HTTP/1.1 413 Request Entity Too Large");
            assertThat(answers).doesNotContain("f_3");
        } catch (java.net.SocketException reset) {
            // the receiver dropped what followed the refusal: fine, the file check below is what matters
        }
        assertThat(Files.exists(fixture.drop.resolve("acme/acme-upload/inbox/first"))).isTrue();
        assertThat(Files.exists(fixture.drop.resolve("acme/acme-upload/inbox/after"))).as("handled after the 413").isFalse();
    }

    private static String rawPut(String key, String path, byte[] body, long declared) throws Exception {
        return "PUT /files/" + key + " HTTP/1.1\r\nHost: site\r\nIdempotency-Key: " + key + "\r\nRepr-Digest: "
                + io.vaultgate.core.forward.ForwardProtocol.reprDigest(RawPut.sha256(body)) + "\r\n"
                + "Vaultgate-Tenant: acme\r\nVaultgate-Account: acme-upload\r\nVaultgate-Path: " + path + "\r\n"
                + "Content-Length: " + declared + "\r\n\r\n"
                + new String(body, StandardCharsets.US_ASCII);
    }

    @Test
    void restart_sweepsLeftoverPartialFiles() throws Exception {
        Path leftover = Files.writeString(fixture.drop.resolve(".vaultgate/tmp/crashed.part"), "half");
        fixture.receiver.close();
        fixture.startReceiver();
        assertThat(Files.exists(leftover)).isFalse();
    }

    private static long count(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }
}
