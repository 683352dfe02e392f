package io.vaultgate.https.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.https.Http2Limits;
import io.vaultgate.https.testing.CurlGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other APIs on HTTP/2 streams, with {@code curl --http2}: a browser-style multipart form, a tus upload in two
 * PATCHes with its offset read back in between, and the admin API.
 */
class Http2ApisIT {

    @RegisterExtension
    final CurlGateway gateway = new CurlGateway(settings -> settings.withHttp2(Http2Limits.ON));

    @TempDir
    Path dir;

    @Test
    void aMultipartForm_overHttp2_storesEveryFile() throws Exception {
        byte[] one = Http2CurlIT.random(2 * 1024 * 1024 + 5, 21);
        byte[] two = Http2CurlIT.random(777, 22);
        Http2Curl curl = new Http2Curl(gateway.curl());

        Http2Curl.Run post = curl.run("-H", gateway.bearer(), "-F", "note=hello",
                "-F", "a=@" + Files.write(dir.resolve("one.bin"), one), "-F", "b=@" + Files.write(dir.resolve("two.bin"), two),
                gateway.url("/v1/files/inbox/"));

        assertThat(post.transfers()).as(post.stderr()).containsExactly(new Http2Curl.Transfer("2", 201, 1));
        assertThat(post.result().body()).contains(Http2CurlIT.sha256(one)).contains(Http2CurlIT.sha256(two));
        assertThat(curl.run("-H", gateway.bearer(), gateway.url("/v1/files/inbox/one.bin")).result().bytes()).isEqualTo(one);
    }

    @Test
    void aTusUpload_inTwoPatches_overHttp2() throws Exception {
        byte[] data = Http2CurlIT.random(1_500_000, 23);
        Path first = Files.write(dir.resolve("first.bin"), Arrays.copyOfRange(data, 0, 600_000));
        Path second = Files.write(dir.resolve("second.bin"), Arrays.copyOfRange(data, 600_000, data.length));
        String metadata = "path " + Base64.getEncoder().encodeToString("inbox/tus.bin".getBytes(StandardCharsets.UTF_8));
        Http2Curl curl = new Http2Curl(gateway.curl());
        Path created = dir.resolve("created.txt");

        Http2Curl.Run create = curl.run("-X", "POST", "-H", gateway.bearer(), "-H", "Tus-Resumable: 1.0.0",
                "-H", "Upload-Length: " + data.length, "-H", "Upload-Metadata: " + metadata, "-D", created.toString(),
                gateway.url("/v1/uploads"));
        assertThat(create.transfers()).as(create.stderr()).containsExactly(new Http2Curl.Transfer("2", 201, 1));
        Matcher location = Pattern.compile("(?im)^location: (\\S+)").matcher(Files.readString(created));
        assertThat(location.find()).isTrue();
        String upload = gateway.url(location.group(1));

        assertThat(patch(curl, upload, 0, first).statuses()).containsExactly(204);
        Path offset = dir.resolve("offset.txt");
        assertThat(curl.run("--head", "-H", gateway.bearer(), "-H", "Tus-Resumable: 1.0.0", "-D", offset.toString(),
                upload).statuses()).containsExactly(200);
        assertThat(Files.readString(offset)).containsIgnoringCase("upload-offset: 600000");
        assertThat(patch(curl, upload, 600_000, second).statuses()).containsExactly(204);

        byte[] stored = curl.run("-H", gateway.bearer(), gateway.url("/v1/files/inbox/tus.bin")).result().bytes();
        assertThat(Http2CurlIT.sha256(stored)).isEqualTo(Http2CurlIT.sha256(data));
    }

    @Test
    void theAdminApi_overHttp2() throws Exception {
        String admin = gateway.gateway().core().incidents().administrators().add("root-admin", "cli");
        Http2Curl curl = new Http2Curl(gateway.curl());

        Http2Curl.Run created = curl.run("-X", "POST", "-H", "Authorization: Bearer " + admin,
                "-H", "Content-Type: application/json", "--data", "{\"id\":\"globex\",\"name\":\"Globex Corp\"}",
                gateway.url("/v1/admin/tenants"));
        Http2Curl.Run refused = curl.run("-X", "POST", "-H", gateway.bearer(), "-H", "Content-Type: application/json",
                "--data", "{\"id\":\"initech\",\"name\":\"Initech\"}", gateway.url("/v1/admin/tenants"));

        assertThat(created.transfers()).as(created.stderr()).containsExactly(new Http2Curl.Transfer("2", 201, 1));
        assertThat(created.result().body()).contains("\"id\":\"globex\"");
        assertThat(refused.statuses()).as("a client account").containsExactly(403);
    }

    private Http2Curl.Run patch(Http2Curl curl, String upload, long offset, Path part) throws Exception {
        return curl.run("-X", "PATCH", "-H", gateway.bearer(), "-H", "Tus-Resumable: 1.0.0",
                "-H", "Upload-Offset: " + offset, "-H", "Content-Type: application/offset+octet-stream",
                "--data-binary", "@" + part, upload);
    }
}
