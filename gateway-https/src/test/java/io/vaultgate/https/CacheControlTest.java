package io.vaultgate.https;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.https.testing.MemoryStore;
import io.vaultgate.https.testing.TokenAuthenticator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No answer of the API may be kept by a browser's or a proxy's cache (ASVS 8.2.1): decrypted files, listings, 304s,
 * receipts and problem details all say {@code Cache-Control: no-store}, also to a login that sends no
 * {@code Authorization} header (a client certificate), whose answers a cache would otherwise treat as storable.
 */
class CacheControlTest {

    private static final byte[] DATA = "0123456789".getBytes(StandardCharsets.UTF_8);

    private final MemoryStore store = new MemoryStore();
    private final Wire wire = new Wire(new TokenAuthenticator(), store, 1_000_000);

    @Test
    void fileBodiesHeadsAndNotModified_areNotStored() {
        store.files.put(PathPolicy.parse("/inbox/f"), DATA);
        HttpRequest revalidate = get(HttpMethod.GET, "/v1/files/inbox/f");
        revalidate.headers().set(HttpHeaderNames.IF_NONE_MATCH, "\"" + MemoryStore.sha256Hex(DATA) + "\"");
        HttpRequest range = get(HttpMethod.GET, "/v1/files/inbox/f");
        range.headers().set(HttpHeaderNames.RANGE, "bytes=2-4");

        List<FullHttpResponse> answers = wire.send(get(HttpMethod.GET, "/v1/files/inbox/f"),
                get(HttpMethod.HEAD, "/v1/files/inbox/f"), revalidate, range);

        assertThat(answers).extracting(answer -> answer.status().code()).containsExactly(200, 200, 304, 206);
        assertThat(answers).allSatisfy(CacheControlTest::noStore);
    }

    @Test
    void listingsReceiptsAndProblems_areNotStored() {
        store.files.put(PathPolicy.parse("/inbox/f"), DATA);
        HttpRequest upload = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/v1/files/inbox/g",
                Unpooled.copiedBuffer(DATA));
        upload.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TokenAuthenticator.TOKEN);
        HttpUtil.setContentLength(upload, DATA.length);

        List<FullHttpResponse> answers = wire.send(get(HttpMethod.GET, "/v1/files/inbox/"), upload,
                get(HttpMethod.GET, "/v1/files/inbox/missing"));

        assertThat(answers).extracting(answer -> answer.status().code()).containsExactly(200, 201, 404);
        assertThat(answers).allSatisfy(CacheControlTest::noStore);
    }

    private static void noStore(FullHttpResponse answer) {
        assertThat(answer.headers().getAll(HttpHeaderNames.CACHE_CONTROL)).as(answer.status().toString())
                .containsExactly("no-store");
    }

    private static HttpRequest get(HttpMethod method, String uri) {
        HttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TokenAuthenticator.TOKEN);
        return request;
    }
}
