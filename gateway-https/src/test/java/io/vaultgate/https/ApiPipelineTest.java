package io.vaultgate.https;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.vaultgate.core.defender.Offence;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.https.testing.MemoryStore;
import io.vaultgate.https.testing.TokenAuthenticator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request path through decoder, API handler and encoder, without sockets or TLS. */
class ApiPipelineTest {

    private final MemoryStore store = new MemoryStore();
    private final TokenAuthenticator authenticator = new TokenAuthenticator();
    private final Wire wire = new Wire(authenticator, store, 1_000_000);

    @Test
    void chunkedPut_streamsEachChunkIntoTheUpload_andCommits() {
        HttpRequest head = put("/v1/files/inbox/a.csv");
        HttpUtil.setTransferEncodingChunked(head, true);

        List<FullHttpResponse> responses = wire.send(head, content("hello "), content("chunked "),
                new DefaultLastHttpContent(Unpooled.copiedBuffer("world", StandardCharsets.UTF_8)));

        assertThat(responses).singleElement().satisfies(r -> {
            assertThat(r.status().code()).isEqualTo(201);
            assertThat(r.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/v1/files/inbox/a.csv");
            assertThat(Wire.body(r)).contains("\"size\":19").contains("\"path\":\"/inbox/a.csv\"");
        });
        MemoryStore.RecordingUpload upload = store.uploads.get(0);
        assertThat(upload.ending).isEqualTo("committed");
        assertThat(upload.writes).containsExactly(6, 8, 5);
    }

    @Test
    void putOfANameWithSpaceAndNonAscii_answersAPercentEncodedLocation() {
        HttpRequest head = put("/v1/files/inbox/a%20b%C3%A9%E6%96%87.txt");
        HttpUtil.setContentLength(head, 2);

        FullHttpResponse response = wire.send(head, new DefaultLastHttpContent(Unpooled.copiedBuffer("ok",
                StandardCharsets.UTF_8))).get(0);

        assertThat(response.status().code()).isEqualTo(201);
        assertThat(response.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/v1/files/inbox/a%20b%C3%A9%E6%96%87.txt");
        assertThat(store.files).containsOnlyKeys(PathPolicy.parse("/inbox/a b\u00e9\u6587.txt"));
    }

    @Test
    void conditionalPut_ifNoneMatchStar_refusesToOverwrite_andIfMatch_needsTheCurrentEtag() {
        byte[] old = "old".getBytes(StandardCharsets.UTF_8);
        store.files.put(PathPolicy.parse("/inbox/f"), old);
        String etag = "\"" + MemoryStore.sha256Hex(old) + "\"";

        FullHttpResponse overwrite = newWire().send(conditionalPut("/v1/files/inbox/f", "If-None-Match", "*")).get(0);
        FullHttpResponse stale = newWire().send(conditionalPut("/v1/files/inbox/f", "If-Match", "\"stale\"")).get(0);
        FullHttpResponse absent = newWire().send(conditionalPut("/v1/files/inbox/g", "If-Match", "*")).get(0);
        assertThat(overwrite.status().code()).isEqualTo(412);
        assertThat(Wire.body(overwrite)).contains("urn:vaultgate:problem:precondition-failed");
        assertThat(stale.status().code()).isEqualTo(412);
        assertThat(absent.status().code()).isEqualTo(412);
        assertThat(store.uploads).isEmpty();
        assertThat(store.files.get(PathPolicy.parse("/inbox/f"))).isEqualTo(old);

        assertThat(newWire().send(conditionalPut("/v1/files/inbox/new", "If-None-Match", "*")).get(0).status().code())
                .isEqualTo(201);
        assertThat(newWire().send(conditionalPut("/v1/files/inbox/f", "If-Match", "\"x\", " + etag)).get(0).status()
                .code()).isEqualTo(201);
        assertThat(store.files.get(PathPolicy.parse("/inbox/f"))).isEqualTo("new".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ifNoneMatchStar_isCheckedAgainAtTheCommit_soAFileCommittedWhileTheBodyStreamedIsKept() {
        HttpRequest head = put("/v1/files/inbox/race.csv");
        HttpUtil.setContentLength(head, 5);
        head.headers().set(HttpHeaderNames.IF_NONE_MATCH, "*");
        wire.send(head, content("he"));
        byte[] theirs = "theirs".getBytes(StandardCharsets.UTF_8);
        store.files.put(PathPolicy.parse("/inbox/race.csv"), theirs); // another upload commits meanwhile

        List<FullHttpResponse> responses = wire.send(new DefaultLastHttpContent(Unpooled.copiedBuffer("llo",
                StandardCharsets.UTF_8)));

        assertThat(responses.get(0).status().code()).isEqualTo(412);
        assertThat(Wire.body(responses.get(0))).contains("urn:vaultgate:problem:precondition-failed");
        assertThat(store.files.get(PathPolicy.parse("/inbox/race.csv"))).isEqualTo(theirs);
    }

    private static HttpRequest conditionalPut(String uri, String condition, String value) {
        HttpRequest put = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, uri,
                Unpooled.copiedBuffer("new", StandardCharsets.UTF_8));
        put.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TokenAuthenticator.TOKEN).set(condition, value);
        HttpUtil.setContentLength(put, 3);
        return put;
    }

    @Test
    void connectionLostMidBody_abortsThePlainPut() {
        HttpRequest head = put("/v1/files/inbox/a.csv");
        HttpUtil.setContentLength(head, 100);
        wire.send(head, content("only part of it"));

        wire.server.close();

        assertThat(store.uploads.get(0).ending).isEqualTo("aborted");
        assertThat(store.files).isEmpty();
    }

    @Test
    void digestMismatch_abortsWith400() {
        HttpRequest head = put("/v1/files/inbox/a.csv");
        HttpUtil.setContentLength(head, 5);
        head.headers().set("Content-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(new byte[32]) + ":");

        List<FullHttpResponse> responses = wire.send(head, new DefaultLastHttpContent(Unpooled.copiedBuffer("hello",
                StandardCharsets.UTF_8)));

        assertThat(responses.get(0).status().code()).isEqualTo(400);
        assertThat(Wire.body(responses.get(0))).contains("urn:vaultgate:problem:integrity");
        assertThat(store.uploads.get(0).ending).isEqualTo("aborted");
        assertThat(store.files).isEmpty();
    }

    @Test
    void everySha256MemberOfADigestField_isChecked_notOnlyTheFirst() throws Exception {
        String right = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                .digest("hello".getBytes(StandardCharsets.UTF_8)));
        String wrong = Base64.getEncoder().encodeToString(new byte[32]);
        HttpRequest head = put("/v1/files/inbox/a.csv");
        HttpUtil.setContentLength(head, 5);
        head.headers().set("Content-Digest", "sha-256=:" + right + ":, sha-256=:" + wrong + ":");

        List<FullHttpResponse> responses = wire.send(head, new DefaultLastHttpContent(Unpooled.copiedBuffer("hello",
                StandardCharsets.UTF_8)));

        assertThat(responses.get(0).status().code()).isEqualTo(400);
        assertThat(Wire.body(responses.get(0))).contains("urn:vaultgate:problem:integrity");
        assertThat(store.files).isEmpty();
    }

    @Test
    void digestInATrailer_isChecked_evenWithoutATrailerHeader() throws Exception {
        HttpRequest wrong = put("/v1/files/inbox/a.csv");
        HttpUtil.setTransferEncodingChunked(wrong, true);
        DefaultLastHttpContent wrongEnd = new DefaultLastHttpContent(Unpooled.copiedBuffer("hello",
                StandardCharsets.UTF_8));
        wrongEnd.trailingHeaders().set("Content-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(
                new byte[32]) + ":");

        List<FullHttpResponse> refused = wire.send(wrong, wrongEnd);

        assertThat(refused.get(0).status().code()).isEqualTo(400);
        assertThat(Wire.body(refused.get(0))).contains("urn:vaultgate:problem:integrity");
        assertThat(store.files).isEmpty();

        HttpRequest right = put("/v1/files/inbox/b.csv");
        HttpUtil.setTransferEncodingChunked(right, true);
        DefaultLastHttpContent rightEnd = new DefaultLastHttpContent(Unpooled.copiedBuffer("hello",
                StandardCharsets.UTF_8));
        rightEnd.trailingHeaders().set("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest("hello".getBytes(StandardCharsets.UTF_8)))
                + ":");

        assertThat(wire.send(right, rightEnd).get(0).status().code()).isEqualTo(201);
        assertThat(store.files).containsOnlyKeys(PathPolicy.parse("/inbox/b.csv"));
    }

    @Test
    void contentLengthOverTheLimit_is413_beforeAnyUploadOpens() {
        HttpRequest head = put("/v1/files/inbox/big");
        HttpUtil.setContentLength(head, 2_000_000);

        List<FullHttpResponse> responses = wire.send(head);

        assertThat(responses.get(0).status().code()).isEqualTo(413);
        assertThat(store.uploads).isEmpty();
        assertThat(HttpUtil.isKeepAlive(responses.get(0))).isFalse();
    }

    @Test
    void chunkedBodyOverTheLimit_is413_andAborts() {
        Wire small = new Wire(authenticator, store, 10);
        HttpRequest head = put("/v1/files/inbox/big");
        HttpUtil.setTransferEncodingChunked(head, true);

        List<FullHttpResponse> responses = small.send(head, content("0123456789"), content("x"));

        assertThat(responses.get(0).status().code()).isEqualTo(413);
        assertThat(store.uploads.get(0).ending).isEqualTo("aborted");
    }

    @Test
    void expectContinue_gets100_afterTheUploadOpened() {
        HttpRequest head = put("/v1/files/inbox/a");
        HttpUtil.setContentLength(head, 2);
        HttpUtil.set100ContinueExpected(head, true);

        List<FullHttpResponse> interim = wire.send(head);
        List<FullHttpResponse> last = wire.send(new DefaultLastHttpContent(Unpooled.copiedBuffer("ok",
                StandardCharsets.UTF_8)));

        assertThat(interim).singleElement().satisfies(r -> assertThat(r.status().code()).isEqualTo(100));
        assertThat(last).singleElement().satisfies(r -> assertThat(r.status().code()).isEqualTo(201));
    }

    @Test
    void missingCredentials_is401_withBearerAndBasicChallenges() {
        List<FullHttpResponse> responses = wire.send(request(HttpMethod.GET, "/v1/files/inbox/", null));

        FullHttpResponse response = responses.get(0);
        assertThat(response.status().code()).isEqualTo(401);
        assertThat(response.headers().getAll(HttpHeaderNames.WWW_AUTHENTICATE))
                .anyMatch(v -> v.startsWith("Bearer realm=")).anyMatch(v -> v.startsWith("Basic realm="));
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/problem+json");
    }

    @Test
    void basicCredentials_areCheckedByTheCore_andThePasswordIsWipedAfterwards() {
        String basic = Base64.getEncoder().encodeToString((TokenAuthenticator.USER + ":" + TokenAuthenticator.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1/files/inbox/");
        get.headers().set(HttpHeaderNames.AUTHORIZATION, "Basic " + basic);

        assertThat(wire.send(get).get(0).status().code()).isEqualTo(200);
        assertThat(new String(authenticator.lastPassword)).isEqualTo("\0".repeat(TokenAuthenticator.PASSWORD.length()));
    }

    @Test
    void getWithRange_returns206AndTheSpan_andKeepsTheConnection() {
        store.files.put(PathPolicy.parse("/inbox/f"), "0123456789".getBytes(StandardCharsets.UTF_8));
        HttpRequest first = request(HttpMethod.GET, "/v1/files/inbox/f", TokenAuthenticator.TOKEN);
        first.headers().set(HttpHeaderNames.RANGE, "bytes=2-4");
        HttpRequest second = request(HttpMethod.GET, "/v1/files/inbox/f", TokenAuthenticator.TOKEN);

        List<FullHttpResponse> responses = wire.send(first, second);

        assertThat(responses).hasSize(2);
        assertThat(responses.get(0).status().code()).isEqualTo(206);
        assertThat(Wire.body(responses.get(0))).isEqualTo("234");
        assertThat(responses.get(0).headers().get(HttpHeaderNames.CONTENT_RANGE)).isEqualTo("bytes 2-4/10");
        assertThat(Wire.body(responses.get(1))).isEqualTo("0123456789");
        assertThat(responses.get(1).headers().get(HttpHeaderNames.ETAG))
                .isEqualTo("\"" + MemoryStore.sha256Hex("0123456789".getBytes(StandardCharsets.UTF_8)) + "\"");
        assertThat(wire.server.isOpen()).isTrue();
    }

    @Test
    void aDownload_isAnAttachmentThatABrowserMustNotSniff() {
        store.files.put(PathPolicy.parse("/inbox/page.html"), "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8));

        FullHttpResponse response = wire.send(request(HttpMethod.GET, "/v1/files/inbox/page.html",
                TokenAuthenticator.TOKEN)).get(0);

        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/octet-stream");
        assertThat(response.headers().get("x-content-type-options")).isEqualTo("nosniff");
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_DISPOSITION)).isEqualTo("attachment");
    }

    @Test
    void head_hasTheLengthButNoBody() {
        store.files.put(PathPolicy.parse("/inbox/f"), new byte[1234]);

        FullHttpResponse response = wire.send(request(HttpMethod.HEAD, "/v1/files/inbox/f", TokenAuthenticator.TOKEN)).get(0);

        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("1234");
        assertThat(response.content().readableBytes()).isZero();
    }

    @Test
    void headOfAMissingFile_answers404WithoutABody_soTheNextResponseOnTheConnectionIsIntact() {
        store.files.put(PathPolicy.parse("/inbox/f"), "0123456789".getBytes(StandardCharsets.UTF_8));

        List<FullHttpResponse> responses = wire.send(request(HttpMethod.HEAD, "/v1/files/inbox/nope",
                TokenAuthenticator.TOKEN), request(HttpMethod.GET, "/v1/files/inbox/f", TokenAuthenticator.TOKEN));

        assertThat(responses).hasSize(2);
        assertThat(responses.get(0).status().code()).isEqualTo(404);
        assertThat(responses.get(0).content().readableBytes()).isZero();
        assertThat(responses.get(1).status().code()).isEqualTo(200);
        assertThat(Wire.body(responses.get(1))).isEqualTo("0123456789");
    }

    @Test
    void ifNoneMatch_withAListOrAWeakTag_is304_whenAnyTagMatches() {
        byte[] data = "0123456789".getBytes(StandardCharsets.UTF_8);
        store.files.put(PathPolicy.parse("/inbox/f"), data);
        String etag = "\"" + MemoryStore.sha256Hex(data) + "\"";

        assertThat(conditionalGet("\"other\", " + etag).status().code()).isEqualTo(304);
        assertThat(conditionalGet("\"other\",W/" + etag).status().code()).isEqualTo(304);
        assertThat(conditionalGet("W/" + etag).status().code()).isEqualTo(304);
        assertThat(conditionalGet("\"other\", W/\"else\"").status().code()).isEqualTo(200);
    }

    private FullHttpResponse conditionalGet(String ifNoneMatch) {
        HttpRequest get = request(HttpMethod.GET, "/v1/files/inbox/f", TokenAuthenticator.TOKEN);
        get.headers().set(HttpHeaderNames.IF_NONE_MATCH, ifNoneMatch);
        return wire.send(get).get(0);
    }

    @Test
    void unsatisfiableRange_is416_withTheSize() {
        store.files.put(PathPolicy.parse("/inbox/f"), new byte[10]);
        HttpRequest get = request(HttpMethod.GET, "/v1/files/inbox/f", TokenAuthenticator.TOKEN);
        get.headers().set(HttpHeaderNames.RANGE, "bytes=10-");

        FullHttpResponse response = wire.send(get).get(0);

        assertThat(response.status().code()).isEqualTo(416);
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_RANGE)).isEqualTo("bytes */10");
    }

    @Test
    void unknownFile_is404_andUnknownMethod_is405WithAllow() {
        FullHttpResponse missing = wire.send(request(HttpMethod.GET, "/v1/files/inbox/nope", TokenAuthenticator.TOKEN)).get(0);
        FullHttpResponse patch = wire.send(request(HttpMethod.PATCH, "/v1/files/inbox/nope", TokenAuthenticator.TOKEN)).get(0);

        assertThat(missing.status().code()).isEqualTo(404);
        assertThat(Wire.body(missing)).contains("\"type\":\"urn:vaultgate:problem:not-found\"");
        assertThat(patch.status().code()).isEqualTo(405);
        assertThat(patch.headers().get(HttpHeaderNames.ALLOW)).contains("PUT");
    }

    @Test
    void multipartForm_commitsEveryFilePart_together() {
        String body = "--B\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n"
                + "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"C:\\docs\\one.csv\"\r\n\r\n1,2\r\n"
                + "--B\r\nContent-Disposition: form-data; name=\"g\"; filename=\"two.bin\"\r\n\r\n\0\1\r\n--B--\r\n";
        HttpRequest post = bearerForm(body);

        FullHttpResponse response = wire.send(post).get(0);

        assertThat(response.status().code()).as(Wire.body(response)).isEqualTo(201);
        assertThat(Wire.body(response)).contains("\"path\":\"/inbox/one.csv\"").contains("\"path\":\"/inbox/two.bin\"");
        assertThat(store.files.get(PathPolicy.parse("/inbox/one.csv"))).isEqualTo("1,2".getBytes(StandardCharsets.UTF_8));
        assertThat(store.files.get(PathPolicy.parse("/inbox/two.bin"))).containsExactly(0, 1);
        assertThat(wire.offences).as("a whole Windows path is no escape attempt").isEmpty();
    }

    /**
     * A form file name that tries to leave the directory is never sent by a browser: the form is refused (400,
     * nothing stored) and the attempt scores a path escape against the source, as such a URL path does. Before,
     * {@code ../../etc/passwd} was stored as {@code /inbox/passwd} and nothing was scored.
     */
    @Test
    void multipartForm_withAFileNameClimbingOut_is400_andScoresAPathEscape() {
        for (String filename : List.of("../../etc/passwd", "..\\..\\windows\\win.ini", "..", "a\0.csv")) {
            Wire fresh = newWire();
            String body = "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"" + filename + "\"\r\n\r\nx\r\n"
                    + "--B--\r\n";

            FullHttpResponse response = fresh.send(bearerForm(body)).get(0);

            assertThat(response.status().code()).as(filename).isEqualTo(400);
            assertThat(Wire.body(response)).contains("urn:vaultgate:problem:invalid-path");
            assertThat(fresh.offences).as(filename).containsExactly(Offence.PATH_ESCAPE);
        }
        assertThat(store.files).isEmpty();
        assertThat(store.uploads).allSatisfy(u -> assertThat(u.ending).isEqualTo("aborted"));
    }

    @Test
    void multipartForm_withTwoFilesOfTheSameName_is400_andStoresNeither() {
        String body = "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"d.csv\"\r\n\r\nfirst\r\n"
                + "--B\r\nContent-Disposition: form-data; name=\"g\"; filename=\"C:\\x\\d.csv\"\r\n\r\nsecond\r\n--B--\r\n";
        HttpRequest post = bearerForm(body);

        FullHttpResponse response = wire.send(post).get(0);

        assertThat(response.status().code()).isEqualTo(400);
        assertThat(Wire.body(response)).contains("/inbox/d.csv");
        assertThat(store.uploads).allSatisfy(u -> assertThat(u.ending).isEqualTo("aborted"));
        assertThat(store.files).isEmpty();
    }

    /**
     * A form POST is a "simple" request a page on another site can make a browser send, with the credentials the
     * browser holds for the gateway (a cached Basic login, a client certificate): cross-site ones are refused.
     */
    @Test
    void multipartForm_fromAnotherSite_isRefused_withBrowserCredentials() {
        String basic = Base64.getEncoder().encodeToString((TokenAuthenticator.USER + ":" + TokenAuthenticator.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        String body = "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"planted.csv\"\r\n\r\nx\r\n--B--\r\n";

        // each on its own connection: a refusal before the body was read closes it
        FullHttpResponse crossSite = newWire().send(form(body, basic, "https://evil.example", "cross-site")).get(0);
        FullHttpResponse otherOrigin = newWire().send(form(body, basic, "https://evil.example", null)).get(0);
        FullHttpResponse sameOrigin = newWire().send(form(body, basic, "https://gateway.example:8443", "same-origin"))
                .get(0);

        assertThat(crossSite.status().code()).isEqualTo(403);
        assertThat(Wire.body(crossSite)).contains("cross-site");
        assertThat(otherOrigin.status().code()).isEqualTo(403);
        assertThat(sameOrigin.status().code()).as(Wire.body(sameOrigin)).isEqualTo(201);
        assertThat(store.uploads).hasSize(1);
    }

    private Wire newWire() {
        return new Wire(authenticator, store, 1_000_000);
    }

    /** A multipart form POST to /v1/files/inbox/ with boundary B, authenticated by the test's bearer token. */
    private static HttpRequest bearerForm(String body) {
        HttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/files/inbox/",
                Unpooled.copiedBuffer(body, StandardCharsets.ISO_8859_1));
        post.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TokenAuthenticator.TOKEN)
                .set(HttpHeaderNames.CONTENT_TYPE, "multipart/form-data; boundary=B");
        HttpUtil.setContentLength(post, body.length());
        return post;
    }

    private static HttpRequest form(String body, String basic, String origin, String fetchSite) {
        HttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/files/inbox/",
                Unpooled.copiedBuffer(body, StandardCharsets.ISO_8859_1));
        post.headers().set(HttpHeaderNames.AUTHORIZATION, "Basic " + basic)
                .set(HttpHeaderNames.HOST, "gateway.example:8443")
                .set(HttpHeaderNames.ORIGIN, origin)
                .set(HttpHeaderNames.CONTENT_TYPE, "multipart/form-data; boundary=B");
        if (fetchSite != null) {
            post.headers().set("Sec-Fetch-Site", fetchSite);
        }
        HttpUtil.setContentLength(post, body.length());
        return post;
    }

    @Test
    void multipartForm_cutShort_abortsEveryFile() {
        String body = "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"one.csv\"\r\n\r\n1,2\r\n"
                + "--B\r\nContent-Disposition: form-data; name=\"g\"; filename=\"two.bin\"\r\n\r\nxx";
        HttpRequest post = bearerForm(body);

        FullHttpResponse response = wire.send(post).get(0);

        assertThat(response.status().code()).isEqualTo(400);
        assertThat(store.uploads).hasSize(2).allSatisfy(u -> assertThat(u.ending).isEqualTo("aborted"));
        assertThat(store.files).isEmpty();
    }

    private static HttpRequest put(String uri) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, uri);
        request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TokenAuthenticator.TOKEN);
        return request;
    }

    private static HttpRequest request(HttpMethod method, String uri, String token) {
        HttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        if (token != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        }
        return request;
    }

    private static DefaultHttpContent content(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }
}
