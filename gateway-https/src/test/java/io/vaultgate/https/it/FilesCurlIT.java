package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.CurlGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The files API driven by the real {@code curl} binary over TLS, against a real core. */
class FilesCurlIT {

    @TempDir
    Path dir;

    @RegisterExtension
    final CurlGateway http = new CurlGateway();


    @Test
    void putThenGet_returnsTheSameBytes_andAReceipt() throws Exception {
        byte[] data = randomBytes(3 * 1024 * 1024 + 17);
        Path file = write("a.bin", data);

        Curl.Result put = http.curl().run("-T", file.toString(), "-H", http.bearer(), http.url("/v1/files/inbox/a.bin"));
        assertThat(put.status()).as(put.stderr()).isEqualTo(201);
        assertThat(put.body()).contains("\"signedReceipt\":\"vgr1.").contains("\"sha256\":\"" + sha256Hex(data) + "\"")
                .contains("\"size\":" + data.length).contains("\"path\":\"/inbox/a.bin\"");

        Curl.Result get = http.curl().run("-H", http.bearer(), http.url("/v1/files/inbox/a.bin"));
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.bytes()).isEqualTo(data);
    }

    @Test
    void rangeRequest_returnsThatSpan() throws Exception {
        byte[] data = randomBytes(200_000);
        http.curl().run("-T", write("r.bin", data).toString(), "-H", http.bearer(), http.url("/v1/files/inbox/r.bin"));

        Curl.Result get = http.curl().run("-H", http.bearer(), "-r", "100000-100099", http.url("/v1/files/inbox/r.bin"));

        assertThat(get.status()).isEqualTo(206);
        assertThat(get.bytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 100_000, 100_100));
    }

    @Test
    void head_announcesLengthAndEtag() throws Exception {
        byte[] data = randomBytes(1000);
        http.curl().run("-T", write("h.bin", data).toString(), "-H", http.bearer(), http.url("/v1/files/inbox/h.bin"));

        Curl.Result head = http.curl().run("-I", "-H", http.bearer(), http.url("/v1/files/inbox/h.bin"));
        // with -I, curl writes the headers to the output file
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body().toLowerCase()).contains("content-length: 1000")
                .contains("etag: \"" + sha256Hex(data) + "\"");
    }

    @Test
    void digestMismatch_isRefused_andLeavesNothing() throws Exception {
        Path file = write("d.bin", randomBytes(10_000));
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);

        Curl.Result put = http.curl().run("-T", file.toString(), "-H", http.bearer(), "-H", "Content-Digest: sha-256=:" + wrong + ":",
                http.url("/v1/files/inbox/d.bin"));

        assertThat(put.status()).isEqualTo(400);
        assertThat(put.body()).contains("urn:vaultgate:problem:integrity");
        assertThat(http.curl().run("-H", http.bearer(), http.url("/v1/files/inbox/d.bin")).status()).isEqualTo(404);
        assertThat(http.curl().run("-H", http.bearer(), http.url("/v1/files/inbox/")).body()).doesNotContain("d.bin");
    }

    @Test
    void matchingDigest_isAccepted() throws Exception {
        byte[] data = randomBytes(10_000);
        String digest = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data));

        Curl.Result put = http.curl().run("-T", write("ok.bin", data).toString(), "-H", http.bearer(),
                "-H", "Repr-Digest: sha-256=:" + digest + ":", http.url("/v1/files/inbox/ok.bin"));

        assertThat(put.status()).isEqualTo(201);
    }

    @Test
    void missingOrBadToken_is401WithChallenge() throws Exception {
        Curl.Result none = http.curl().run("-D", "-", http.url("/v1/files/inbox/"));
        Curl.Result bad = http.curl().run("-H", "Authorization: Bearer vg_nope", http.url("/v1/files/inbox/"));

        assertThat(none.status()).isEqualTo(401);
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.body()).contains("urn:vaultgate:problem:unauthorized");
    }

    @Test
    void traversal_isRefused() throws Exception {
        for (String path : new String[] {"/v1/files/../..", "/v1/files/%2e%2e/%2e%2e/etc/passwd",
                "/v1/files/inbox/..%2f..%2f..%2fx"}) {
            Curl.Result get = http.curl().run("--path-as-is", "-H", http.bearer(), http.url(path));
            assertThat(get.status()).as(path).isIn(400, 404);
        }
        Curl.Result put = http.curl().run("--path-as-is", "-T", write("t.bin", randomBytes(10)).toString(), "-H", http.bearer(),
                http.url("/v1/files/inbox/%2e%2e/%2e%2e/x"));
        assertThat(put.status()).isEqualTo(400);
        assertThat(put.body()).contains("invalid-path");
    }

    @Test
    void listingAndDelete() throws Exception {
        http.curl().run("-T", write("l.bin", randomBytes(5)).toString(), "-H", http.bearer(), http.url("/v1/files/inbox/l.bin"));

        Curl.Result list = http.curl().run("-H", http.bearer(), http.url("/v1/files/inbox/"));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("\"name\":\"l.bin\"").contains("\"size\":5");

        assertThat(http.curl().run("-X", "DELETE", "-H", http.bearer(), http.url("/v1/files/inbox/l.bin")).status()).isEqualTo(204);
        assertThat(http.curl().run("-H", http.bearer(), http.url("/v1/files/inbox/l.bin")).status()).isEqualTo(404);
    }

    @Test
    void aClientSeesWhereItsOwnFileIsForwarded_andNothingOfFilesItCannotSee() throws Exception {
        http.gateway().core().sites().createSite("manila", "Manila");
        http.gateway().core().sites().addRoute(http.gateway().principal().tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox/claims"), 0, 0, Duration.ZERO);
        http.curl().run("-T", write("c.bin", randomBytes(10)).toString(), "-H", http.bearer(),
                http.url("/v1/files/inbox/claims/c%201.bin"));
        http.curl().run("-T", write("u.bin", randomBytes(10)).toString(), "-H", http.bearer(), http.url("/v1/files/inbox/u.bin"));

        Curl.Result routed = http.curl().run("-H", http.bearer(), http.url("/v1/forwarding/inbox/claims/c%201.bin"));
        Curl.Result unrouted = http.curl().run("-H", http.bearer(), http.url("/v1/forwarding/inbox/u.bin"));

        assertThat(routed.status()).as(routed.body()).isEqualTo(200);
        assertThat(routed.body()).contains("\"path\":\"/inbox/claims/c 1.bin\"", "\"site\":\"manila\"",
                "\"state\":\"PENDING\"", "\"attempts\":0", "\"nextAttemptAt\":");
        assertThat(unrouted.body()).contains("\"sites\":[]");
        assertThat(http.curl().run("-H", http.bearer(), http.url("/v1/forwarding/inbox/none.bin")).status()).isEqualTo(404);
        assertThat(http.curl().run(http.url("/v1/forwarding/inbox/claims/c%201.bin")).status()).isEqualTo(401);
        assertThat(http.curl().run("-X", "DELETE", "-H", http.bearer(), http.url("/v1/forwarding/inbox/u.bin")).status())
                .isEqualTo(405);
    }

    @Test
    void multipartForm_uploadsEveryFile() throws Exception {
        byte[] one = randomBytes(2 * 1024 * 1024 + 5);
        byte[] two = randomBytes(777);
        Curl.Result post = http.curl().run("-H", http.bearer(), "-F", "note=hello", "-F", "a=@" + write("one.bin", one),
                "-F", "b=@" + write("two.bin", two), http.url("/v1/files/inbox/"));

        assertThat(post.status()).as(post.body()).isEqualTo(201);
        assertThat(post.body()).contains(sha256Hex(one)).contains(sha256Hex(two));
        assertThat(http.curl().run("-H", http.bearer(), http.url("/v1/files/inbox/one.bin")).bytes()).isEqualTo(one);
        assertThat(http.curl().run("-H", http.bearer(), http.url("/v1/files/inbox/two.bin")).bytes()).isEqualTo(two);
    }

    @Test
    void uploadOutsideInbox_isForbidden() throws Exception {
        Curl.Result put = http.curl().run("-T", write("o.bin", randomBytes(10)).toString(), "-H", http.bearer(),
                http.url("/v1/files/outbox/o.bin"));
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
