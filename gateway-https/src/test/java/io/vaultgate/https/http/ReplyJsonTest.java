package io.vaultgate.https.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * JSON answers (receipts, listings, the admin API, problem details) end with a newline, so that the shell prompt
 * after {@code curl} starts on a line of its own; Content-Length counts it.
 */
class ReplyJsonTest {

    private static final String RECEIPT = "{\"receipt\":\"vgr1.abc\",\"size\":22}";

    @Test
    void aJsonAnswer_endsWithANewline_countedInItsLength() {
        FullHttpResponse response = answer(HttpMethod.POST, (reply, ignored) ->
                reply.json(HttpResponseStatus.CREATED, RECEIPT.getBytes(StandardCharsets.UTF_8)));

        String body = response.content().toString(StandardCharsets.UTF_8);
        assertThat(body).isEqualTo(RECEIPT + "\n");
        assertThat(response.headers().getInt("content-length")).isEqualTo(body.length());
        response.release();
    }

    @Test
    void aProblemAnswer_endsWithANewline() {
        FullHttpResponse response = answer(HttpMethod.GET, (reply, ignored) ->
                reply.problem(new GatewayException(Reason.NOT_FOUND, "no such file")));

        String body = response.content().toString(StandardCharsets.UTF_8);
        assertThat(body).startsWith("{\"type\":").endsWith("}\n");
        assertThat(response.headers().getInt("content-length")).isEqualTo(body.length());
        response.release();
    }

    @Test
    void aHeadAnswer_announcesTheLengthWithTheNewline_andSendsNoBody() {
        FullHttpResponse response = answer(HttpMethod.HEAD, (reply, ignored) ->
                reply.json(HttpResponseStatus.OK, RECEIPT.getBytes(StandardCharsets.UTF_8)));

        assertThat(response.content().readableBytes()).isZero();
        assertThat(response.headers().getInt("content-length")).isEqualTo(RECEIPT.length() + 1);
        response.release();
    }

    private static FullHttpResponse answer(HttpMethod method, BiConsumer<Reply, HttpRequest> handler) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                HttpRequest request = (HttpRequest) message;
                handler.accept(new Reply(ctx, request), request);
            }
        });
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/v1/files/inbox/a.csv"));
        FullHttpResponse response = channel.readOutbound();
        channel.finishAndReleaseAll();
        return response;
    }
}
