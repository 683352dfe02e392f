package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files API driven by the real {@code curl} binary over TLS, against a real core. */
class FilesCurlIT {

    @TempDir
    Path dir;

    private TestGateway gateway;
    private Curl curl;
    private String bearer;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Curl.available(), "curl is not installed");
        gateway = TestGateway.start(dir);
        curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));
        bearer = "Authorization: Bearer " + gateway.token();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void putThenGet_returnsTheSameBytes_andAReceipt() throws Exception {
        byte[] data = randomBytes(3 * 1024 * 1024 + 17);
        Path file = write("a.bin", data);

        Curl.Result put = curl.run("-T", file.toString(), "-H", bearer, gateway.url("/v1/files/inbox/a.bin"));
        assertThat(put.status()).as(put.stderr()).isEqualTo(201);
        assertThat(put.body()).contains("\"signedReceipt\":\"vgr1.").contains("\"sha256\":\"" + sha256Hex(data) + "\"")
                .contains("\"size\":" + data.length).contains("\"path\":\"/inbox/a.bin\"");

        Curl.Result get = curl.run("-H", bearer, gateway.url("/v1/files/inbox/a.bin"));
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.bytes()).isEqualTo(data);
    }

    @Test
    void rangeRequest_returnsThatSpan() throws Exception {
        byte[] data = randomBytes(200_000);
        curl.run("-T", write("r.bin", data).toString(), "-H", bearer, gateway.url("/v1/files/inbox/r.bin"));

        Curl.Result get = curl.run("-H", bearer, "-r", "100000-100099", gateway.url("/v1/files/inbox/r.bin"));

        assertThat(get.status()).isEqualTo(206);
        assertThat(get.bytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 100_000, 100_100));
    }

    @Test
    void head_announcesLengthAndEtag() throws Exception {
        byte[] data = randomBytes(1000);
        curl.run("-T", write("h.bin", data).toString(), "-H", bearer, gateway.url("/v1/files/inbox/h.bin"));

        Curl.Result head = curl.run("-I", "-H", bearer, gateway.url("/v1/files/inbox/h.bin"));
        // with -I, curl writes the headers to the output file
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body().toLowerCase()).contains("content-length: 1000")
                .contains("etag: \"" + sha256Hex(data) + "\"");
    }

    @Test
    void digestMismatch_isRefused_andLeavesNothing() throws Exception {
        Path file = write("d.bin", randomBytes(10_000));
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);

        Curl.Result put = curl.run("-T", file.toString(), "-H", bearer, "-H", "Content-Digest: sha-256=:" + wrong + ":",
                gateway.url("/v1/files/inbox/d.bin"));

        assertThat(put.status()).isEqualTo(400);
        assertThat(put.body()).contains("urn:vaultgate:problem:integrity");
        assertThat(curl.run("-H", bearer, gateway.url("/v1/files/inbox/d.bin")).status()).isEqualTo(404);
        assertThat(curl.run("-H", bearer, gateway.url("/v1/files/inbox/")).body()).doesNotContain("d.bin");
    }

    @Test
    void matchingDigest_isAccepted() throws Exception {
        byte[] data = randomBytes(10_000);
        String digest = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data));

        Curl.Result put = curl.run("-T", write("ok.bin", data).toString(), "-H", bearer,
                "-H", "Repr-Digest: sha-256=:" + digest + ":", gateway.url("/v1/files/inbox/ok.bin"));

        assertThat(put.status()).isEqualTo(201);
    }

    @Test
    void missingOrBadToken_is401WithChallenge() throws Exception {
        Curl.Result none = curl.run("-D", "-", gateway.url("/v1/files/inbox/"));
        Curl.Result bad = curl.run("-H", "Authorization: Bearer vg_nope", gateway.url("/v1/files/inbox/"));

        assertThat(none.status()).isEqualTo(401);
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.body()).contains("urn:vaultgate:problem:unauthorized");
    }

    @Test
    void traversal_isRefused() throws Exception {
        for (String path : new String[] {"/v1/files/../..", "/v1/files/%2e%2e/%2e%2e/etc/passwd",
                "/v1/files/inbox/..%2f..%2f..%2fx"}) {
            Curl.Result get = curl.run("--path-as-is", "-H", bearer, gateway.url(path));
            assertThat(get.status()).as(path).isIn(400, 404);
        }
        Curl.Result put = curl.run("--path-as-is", "-T", write("t.bin", randomBytes(10)).toString(), "-H", bearer,
                gateway.url("/v1/files/inbox/%2e%2e/%2e%2e/x"));
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.body()).contains("invalid-path");
    }

    @Test
    void listingAndDelete() throws Exception {
        curl.run("-T", write("l.bin", randomBytes(5)).toString(), "-H", bearer, gateway.url("/v1/files/inbox/l.bin"));

        Curl.Result list = curl.run("-H", bearer, gateway.url("/v1/files/inbox/"));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("\"name\":\"l.bin\"").contains("\"size\":5");

        assertThat(curl.run("-X", "DELETE", "-H", bearer, gateway.url("/v1/files/inbox/l.bin")).status()).isEqualTo(204);
        assertThat(curl.run("-H", bearer, gateway.url("/v1/files/inbox/l.bin")).status()).isEqualTo(404);
    }

    @Test
    void aClientSeesWhereItsOwnFileIsForwarded_andNothingOfFilesItCannotSee() throws Exception {
        gateway.core().sites().createSite("manila", "Manila");
        gateway.core().sites().addRoute(gateway.principal().tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox/claims"), 0, 0, Duration.ZERO);
        curl.run("-T", write("c.bin", randomBytes(10)).toString(), "-H", bearer,
                gateway.url("/v1/files/inbox/claims/c%201.bin"));
        curl.run("-T", write("u.bin", randomBytes(10)).toString(), "-H", bearer, gateway.url("/v1/files/inbox/u.bin"));

        Curl.Result routed = curl.run("-H", bearer, gateway.url("/v1/forwarding/inbox/claims/c%201.bin"));
        Curl.Result unrouted = curl.run("-H", bearer, gateway.url("/v1/forwarding/inbox/u.bin"));

        assertThat(routed.status()).as(routed.body()).isEqualTo(200);
        assertThat(routed.body()).contains("\"path\":\"/inbox/claims/c 1.bin\"", "\"site\":\"manila\"",
                "\"state\":\"PENDING\"", "\"attempts\":0", "\"nextAttemptAt\":");
        assertThat(unrouted.body()).contains("\"sites\":[]");
        assertThat(curl.run("-H", bearer, gateway.url("/v1/forwarding/inbox/none.bin")).status()).isEqualTo(404);
        assertThat(curl.run(gateway.url("/v1/forwarding/inbox/claims/c%201.bin")).status()).isEqualTo(401);
        assertThat(curl.run("-X", "DELETE", "-H", bearer, gateway.url("/v1/forwarding/inbox/u.bin")).status())
                .isEqualTo(405);
    }

    @Test
    void multipartForm_uploadsEveryFile() throws Exception {
        byte[] one = randomBytes(2 * 1024 * 1024 + 5);
        byte[] two = randomBytes(777);
        Curl.Result post = curl.run("-H", bearer, "-F", "note=hello", "-F", "a=@" + write("one.bin", one),
                "-F", "b=@" + write("two.bin", two), gateway.url("/v1/files/inbox/"));

        assertThat(post.status()).as(post.body()).isEqualTo(201);
        assertThat(post.body()).contains(sha256Hex(one)).contains(sha256Hex(two));
        assertThat(curl.run("-H", bearer, gateway.url("/v1/files/inbox/one.bin")).bytes()).isEqualTo(one);
        assertThat(curl.run("-H", bearer, gateway.url("/v1/files/inbox/two.bin")).bytes()).isEqualTo(two);
    }

    @Test
    void uploadOutsideInbox_isForbidden() throws Exception {
        Curl.Result put = curl.run("-T", write("o.bin", randomBytes(10)).toString(), "-H", bearer,
                gateway.url("/v1/files/outbox/o.bin"));
        assertThat(put.status()).isIn(403, 404);
    }

    private Path write(String name, byte[] data) throws Exception {
        return Files.write(dir.resolve(name), data);
    }

    static byte[] randomBytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    static String sha256Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    static String utf8(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
