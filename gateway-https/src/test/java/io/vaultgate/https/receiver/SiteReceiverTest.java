package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
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
        assertThat(Files.readAllBytes(fixture.drop.resolve("acme/inbox/a.csv"))).isEqualTo(body);
    }

    @Test
    void sameKeyAndDigestAgain_isAnswered200_withoutRewritingTheFile() throws Exception {
        byte[] body = "v1".getBytes();
        gateway.put("f_1", "/inbox/a.csv", body);
        Files.writeString(fixture.drop.resolve("acme/inbox/a.csv"), "processed by the site");

        HttpResponse<String> again = gateway.put("f_1", "/inbox/a.csv", body);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"duplicate\":true");
        assertThat(Files.readString(fixture.drop.resolve("acme/inbox/a.csv"))).isEqualTo("processed by the site");
    }

    @Test
    void sameKeyWithAnotherDigest_isAConflict() throws Exception {
        gateway.put("f_1", "/inbox/a.csv", "v1".getBytes());
        assertThat(gateway.put("f_1", "/inbox/a.csv", "v2".getBytes()).statusCode()).isEqualTo(409);
        assertThat(Files.readString(fixture.drop.resolve("acme/inbox/a.csv"))).isEqualTo("v1");
    }

    @Test
    void bodyThatDoesNotMatchItsDigest_isRefused_andLeavesNothing() throws Exception {
        HttpResponse<String> response = gateway.put("f_1", "/inbox/a.csv", "tampered".getBytes(),
                RawPut.sha256("original".getBytes()));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("differs");
        assertThat(Files.exists(fixture.drop.resolve("acme/inbox/a.csv"))).isFalse();
        assertThat(count(fixture.drop.resolve(".vaultgate/tmp"))).isZero();
        assertThat(gateway.put("f_1", "/inbox/a.csv", "original".getBytes()).statusCode())
                .as("a refused key is not remembered").isEqualTo(201);
    }

    @Test
    void traversalInThePath_isRefused() throws Exception {
        assertThat(gateway.put("f_1", "/inbox/../../../etc/passwd", "x".getBytes()).statusCode()).isEqualTo(400);
        assertThat(gateway.put("f_2", "/inbox/a\\b", "x".getBytes()).statusCode()).isEqualTo(400);
        assertThat(gateway.put("f_3", "/inbox//a", "x".getBytes()).statusCode()).isEqualTo(400);
        assertThat(Files.exists(home.resolve("etc"))).isFalse();
        assertThat(Files.exists(fixture.drop.resolve("acme"))).isFalse();
    }

    @Test
    void connectionStaysUsable_afterARefusedRequest() throws Exception {
        assertThat(gateway.put("f_1", "/inbox/../x", "x".getBytes()).statusCode()).isEqualTo(400);
        assertThat(gateway.put("f_2", "/inbox/x", "x".getBytes()).statusCode()).isEqualTo(201);
    }

    private static long count(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }
}
