package io.vaultgate.https;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.vaultgate.core.defender.Offence;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.https.testing.MemoryStore;
import io.vaultgate.https.testing.TokenAuthenticator;
import io.vaultgate.https.tus.TusUploadId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** tus 1.0.0 details on the wire: "The Tus-Resumable header MUST be included in every request and response". */
class TusProtocolTest {

    private final MemoryStore store = new MemoryStore();
    private final Wire wire = new Wire(new TokenAuthenticator(), store, 1_000_000);
    private final String upload = "/v1/uploads/" + Wire.TUS_URLS.encode(new TusUploadId(10, "f_t",
            PathPolicy.parse("/inbox/t")));

    @Test
    void offsetMismatch_is409_withTusResumable() {
        FullHttpRequest patch = tus(HttpMethod.PATCH, upload, "abc");
        patch.headers().set("Upload-Offset", "3").set(HttpHeaderNames.CONTENT_TYPE, "application/offset+octet-stream");

        FullHttpResponse response = wire.send(patch).get(0);

        assertThat(response.status().code()).isEqualTo(409);
        assertThat(response.headers().get("Tus-Resumable")).isEqualTo("1.0.0");
    }

    @Test
    void bodyLongerThanTheUpload_is413_withTusResumable() {
        FullHttpRequest patch = tus(HttpMethod.PATCH, upload, "0123456789abc");
        patch.headers().set("Upload-Offset", "0").set(HttpHeaderNames.CONTENT_TYPE, "application/offset+octet-stream");

        FullHttpResponse response = wire.send(patch).get(0);

        assertThat(response.status().code()).isEqualTo(413);
        assertThat(response.headers().get("Tus-Resumable")).isEqualTo("1.0.0");
    }

    @Test
    void patchAnnouncingMoreThanTheUploadLength_is413_beforeTheBodyIsSentOrTheUploadOpened() {
        io.netty.handler.codec.http.HttpRequest patch = new io.netty.handler.codec.http.DefaultHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.PATCH, upload);
        patch.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TokenAuthenticator.TOKEN)
                .set("Tus-Resumable", "1.0.0").set("Upload-Offset", "0")
                .set(HttpHeaderNames.CONTENT_TYPE, "application/offset+octet-stream");
        HttpUtil.setContentLength(patch, 13);
        HttpUtil.set100ContinueExpected(patch, true);

        java.util.List<FullHttpResponse> responses = wire.send(patch);

        assertThat(responses).singleElement().satisfies(r -> {
            assertThat(r.status().code()).isEqualTo(413);
            assertThat(Wire.body(r)).contains("Upload-Length 10");
        });
        assertThat(store.uploads).isEmpty();
    }

    @Test
    void unknownUploadAndMissingCredentials_haveTusResumable_too() {
        FullHttpResponse unknown = wire.send(tus(HttpMethod.HEAD, "/v1/uploads/bm9wZQ", null)).get(0);
        FullHttpRequest anonymous = tus(HttpMethod.HEAD, upload, null);
        anonymous.headers().remove(HttpHeaderNames.AUTHORIZATION);
        FullHttpResponse unauthorized = wire.send(anonymous).get(0);

        assertThat(unknown.status().code()).isEqualTo(404);
        assertThat(unknown.headers().get("Tus-Resumable")).isEqualTo("1.0.0");
        assertThat(unauthorized.status().code()).isEqualTo(401);
        assertThat(unauthorized.headers().get("Tus-Resumable")).isEqualTo("1.0.0");
    }

    @Test
    void anIdWhoseLengthOverflowsALong_is404_notAnInternalError() {
        String overflowing = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "9999999999999999999:/inbox/a.bin".getBytes(StandardCharsets.UTF_8));

        FullHttpResponse response = wire.send(tus(HttpMethod.HEAD, "/v1/uploads/" + overflowing, null)).get(0);

        assertThat(response.status().code()).isEqualTo(404);
        assertThat(response.headers().get("Tus-Resumable")).isEqualTo("1.0.0");
    }

    @Test
    void anIdWithAnotherLength_isUnknown_withOrWithoutTheMacOfTheRealOne() {
        String real = upload.substring("/v1/uploads/".length());
        String mac = real.substring(real.indexOf('.'));
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "1000:f_t:/inbox/t".getBytes(StandardCharsets.UTF_8));

        for (String id : java.util.List.of(forged, forged + mac, forged + ".")) {
            FullHttpRequest patch = tus(HttpMethod.PATCH, "/v1/uploads/" + id, "0123456789abc");
            patch.headers().set("Upload-Offset", "0").set(HttpHeaderNames.CONTENT_TYPE, "application/offset+octet-stream");

            Wire fresh = new Wire(new TokenAuthenticator(), store, 1_000_000); // a refused body closes the connection

            assertThat(fresh.send(patch).get(0).status().code()).as(id).isEqualTo(404);
        }
        assertThat(store.uploads).isEmpty();
    }

    @Test
    void malformedMethodOverride_is400_notAnInternalError() {
        FullHttpRequest post = tus(HttpMethod.POST, upload, null);
        post.headers().set("X-HTTP-Method-Override", "PATCH NOW");

        FullHttpResponse response = wire.send(post).get(0);

        assertThat(response.status().code()).isEqualTo(400);
        assertThat(Wire.body(response)).contains("urn:vaultgate:problem:bad-request").contains("X-HTTP-Method-Override");
        assertThat(response.headers().get("Tus-Resumable")).isEqualTo("1.0.0");
    }

    /**
     * An upload id that climbs out like a path would is never one the gateway issued: it is unknown ({@code 404})
     * like any other, and it scores a path-escape offence against the source address, as such a
     * {@code /v1/files/} path does. A merely wrong or forged id, or a bare {@code ..}, scores nothing.
     */
    @Test
    void anUploadIdClimbingOutLikeAPath_is404_andScoresAPathEscape() {
        String[] escapes = {"../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "x%00", "a%5C..%5Cb", "x/../../../etc/passwd"};
        for (String id : escapes) {
            for (HttpMethod method : java.util.List.of(HttpMethod.HEAD, HttpMethod.PATCH, HttpMethod.DELETE)) {
                Wire fresh = new Wire(new TokenAuthenticator(), store, 1_000_000);
                FullHttpRequest request = tus(method, "/v1/uploads/" + id, null);
                request.headers().set("Upload-Offset", "0")
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/offset+octet-stream");

                FullHttpResponse response = fresh.send(request).get(0);

                assertThat(response.status().code()).as(method + " " + id).isEqualTo(404);
                assertThat(response.headers().get("Tus-Resumable")).isEqualTo("1.0.0");
                assertThat(fresh.offences).as(method + " " + id).containsExactly(Offence.PATH_ESCAPE);
            }
        }
        String real = upload.substring("/v1/uploads/".length());
        for (String id : new String[] {"bm9wZQ", "..", "%2E%2E", real.substring(0, real.indexOf('.')) + ".AAAA"}) {
            Wire fresh = new Wire(new TokenAuthenticator(), store, 1_000_000);

            assertThat(fresh.send(tus(HttpMethod.HEAD, "/v1/uploads/" + id, null)).get(0).status().code()).as(id)
                    .isEqualTo(404);
            assertThat(fresh.offences).as(id).isEmpty();
        }
        assertThat(store.uploads).isEmpty();
    }

    /**
     * The {@code filename} metadata is one name placed in {@code /inbox}: one with {@code ..} or a NUL tries to
     * leave it, is refused (400, no upload) and scores a path escape, as a {@code path} metadata that climbs out does.
     * Before, {@code ../outbox/x.csv} went on to the core as {@code /outbox/x.csv} and nothing was scored.
     */
    @Test
    void creationWithAFilenameClimbingOut_is400_andScoresAPathEscape() {
        for (String filename : java.util.List.of("../outbox/x.csv", "..", "../x.csv", "a\0.csv")) {
            Wire fresh = new Wire(new TokenAuthenticator(), store, 1_000_000);
            FullHttpRequest post = tus(HttpMethod.POST, "/v1/uploads", null);
            post.headers().set("Upload-Length", "3").set("Upload-Metadata", "filename "
                    + Base64.getEncoder().encodeToString(filename.getBytes(StandardCharsets.UTF_8)));

            FullHttpResponse response = fresh.send(post).get(0);

            assertThat(response.status().code()).as(filename).isEqualTo(400);
            assertThat(Wire.body(response)).contains("urn:vaultgate:problem:invalid-path");
            assertThat(fresh.offences).as(filename).containsExactly(Offence.PATH_ESCAPE);
        }
        assertThat(store.uploads).isEmpty();
    }

    @Test
    void everyTusResponse_carriesTusResumableOnce() {
        FullHttpRequest post = tus(HttpMethod.POST, "/v1/uploads", null);
        post.headers().set("Upload-Length", "10").set("Upload-Metadata", "path "
                + Base64.getEncoder().encodeToString("inbox/once".getBytes(StandardCharsets.UTF_8)));
        FullHttpResponse created = wire.send(post).get(0);
        assertThat(created.status().code()).isEqualTo(201);
        String location = created.headers().get(HttpHeaderNames.LOCATION);

        java.util.List<FullHttpResponse> responses = new java.util.ArrayList<>();
        responses.add(created);
        responses.add(onItsOwnConnection(tus(HttpMethod.OPTIONS, "/v1/uploads", null)));
        FullHttpRequest mismatch = tus(HttpMethod.PATCH, location, "abc");
        mismatch.headers().set("Upload-Offset", "3")
                .set(HttpHeaderNames.CONTENT_TYPE, "application/offset+octet-stream");
        responses.add(onItsOwnConnection(mismatch));
        FullHttpRequest patch = tus(HttpMethod.PATCH, location, "0123456789");
        patch.headers().set("Upload-Offset", "0")
                .set(HttpHeaderNames.CONTENT_TYPE, "application/offset+octet-stream");
        responses.add(onItsOwnConnection(patch));
        responses.add(onItsOwnConnection(tus(HttpMethod.HEAD, location, null)));

        assertThat(responses).extracting(r -> r.status().code()).containsExactly(201, 204, 409, 204, 200);
        assertThat(responses).allSatisfy(r -> assertThat(r.headers().getAll("Tus-Resumable"))
                .as(r.status().toString()).containsExactly("1.0.0"));
    }

    @Test
    void bodyCrossingTheUploadLengthMidway_keepsWhatCameBefore_withoutAChecksum() {
        java.util.List<FullHttpResponse> responses = wire.send(chunkedPatch(null), chunk("01234"), chunk("56789abc"),
                io.netty.handler.codec.http.LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(responses.get(0).status().code()).isEqualTo(413);
        assertThat(store.uploads).singleElement().satisfies(u -> {
            assertThat(u.ending).as("resumable, from the bytes before the chunk that crossed").isEqualTo("suspended");
            assertThat(u.bytes.toString(StandardCharsets.UTF_8)).isEqualTo("01234");
        });
    }

    @Test
    void bodyCrossingTheUploadLengthMidway_withAChecksum_discardsTheUpload_asAMismatchWould() throws Exception {
        byte[] sha256 = java.security.MessageDigest.getInstance("SHA-256")
                .digest("0123456789abc".getBytes(StandardCharsets.UTF_8));
        java.util.List<FullHttpResponse> responses = wire.send(
                chunkedPatch("sha256 " + Base64.getEncoder().encodeToString(sha256)), chunk("01234"),
                chunk("56789abc"), io.netty.handler.codec.http.LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(responses.get(0).status().code()).isEqualTo(413);
        assertThat(Wire.body(responses.get(0))).contains("Upload-Checksum").contains("discarded");
        assertThat(store.uploads).singleElement().satisfies(u -> assertThat(u.ending)
                .as("the bytes before the crossing chunk were never verified").isEqualTo("aborted"));
    }

    @Test
    void firstChunkAlreadyCrossingTheUploadLength_withAChecksum_keepsTheUpload_nothingOfThisPatchWasWritten() {
        java.util.List<FullHttpResponse> responses = wire.send(chunkedPatch("sha256 "
                + Base64.getEncoder().encodeToString(new byte[32])), chunk("0123456789abc"),
                io.netty.handler.codec.http.LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(responses.get(0).status().code()).isEqualTo(413);
        assertThat(store.uploads).singleElement().satisfies(u -> {
            assertThat(u.ending).isEqualTo("suspended");
            assertThat(u.bytes.size()).isZero();
        });
    }

    /** A refusal with an unread body closes the connection: each request goes on a new one, over the same store. */
    private FullHttpResponse onItsOwnConnection(FullHttpRequest request) {
        return new Wire(new TokenAuthenticator(), store, 1_000_000).send(request).get(0);
    }

    /** A PATCH at offset 0 of the 10-byte upload, its body chunked (no Content-Length to refuse it up front). */
    private io.netty.handler.codec.http.HttpRequest chunkedPatch(String checksum) {
        io.netty.handler.codec.http.HttpRequest patch = new io.netty.handler.codec.http.DefaultHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.PATCH, upload);
        patch.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TokenAuthenticator.TOKEN)
                .set("Tus-Resumable", "1.0.0").set("Upload-Offset", "0")
                .set(HttpHeaderNames.CONTENT_TYPE, "application/offset+octet-stream");
        if (checksum != null) {
            patch.headers().set("Upload-Checksum", checksum);
        }
        HttpUtil.setTransferEncodingChunked(patch, true);
        return patch;
    }

    private static io.netty.handler.codec.http.HttpContent chunk(String text) {
        return new io.netty.handler.codec.http.DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private static FullHttpRequest tus(HttpMethod method, String uri, String body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TokenAuthenticator.TOKEN)
                .set("Tus-Resumable", "1.0.0");
        HttpUtil.setContentLength(request, request.content().readableBytes());
        return request;
    }
}
