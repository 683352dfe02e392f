package io.vaultgate.https;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vaultgate.https.http.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the OpenAPI description shipped in this module; {@code OpenApiTest} checks that it lists every route. */
final class OpenApi {

    static final String PATH = "/v1/openapi.yaml";
    static final String RESOURCE = "openapi.yaml";

    private final byte[] document;

    OpenApi() {
        try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the gateway-https jar");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void respond(Reply reply) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                reply.isHead() ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(document));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/yaml")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, document.length);
        reply.send(response);
    }
}
