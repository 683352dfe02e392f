package io.vaultgate.https.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MinimumBodyRateTest {

    private final AtomicLong now = new AtomicLong();
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new MinimumBodyRate(1000, Duration.ofSeconds(10), now::get));

    {
        channel.config().setAutoRead(false); // as in the server: only the API handler asks for reads
    }

    @Test
    void aTricklingBody_isCutOff_onceTheGraceIsUsed() {
        startUpload();
        channel.read();
        advance(Duration.ofSeconds(5));
        channel.writeInbound(bytes(10));
        assertThat(channel.isOpen()).as("within the grace").isTrue();

        channel.read();
        advance(Duration.ofSeconds(6));
        channel.writeInbound(bytes(10));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aSteadyBody_passes() {
        startUpload();
        for (int i = 0; i < 100; i++) {
            channel.read();
            advance(Duration.ofMillis(500));
            channel.writeInbound(bytes(1000));
        }
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void timeTheServerSpentStoring_isNotTheClientsFault() {
        startUpload();
        for (int i = 0; i < 5; i++) {
            advance(Duration.ofSeconds(30)); // no read asked: the server is busy
            channel.read();
            channel.writeInbound(bytes(10));
        }
        assertThat(channel.isOpen()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void answering_firesTooSlow_insteadOfClosing_andPassesNothingOfTheSlowChunk() {
        java.util.List<Object> events = new java.util.ArrayList<>();
        EmbeddedChannel answering = new EmbeddedChannel(
                new MinimumBodyRate(1000, Duration.ofSeconds(10), now::get, true),
                new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object event) {
                        events.add(event);
                    }
                });
        HttpRequest put = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/files/f_1");
        HttpUtil.setContentLength(put, 1_000_000);
        answering.writeInbound(put);
        answering.read();
        advance(Duration.ofSeconds(11));
        answering.writeInbound(bytes(10));

        assertThat(answering.isOpen()).isTrue();
        assertThat(events).containsExactly(new MinimumBodyRate.TooSlow(10, 11, 1000));
        assertThat((Object) answering.readInbound()).isInstanceOf(HttpRequest.class);
        assertThat((Object) answering.readInbound()).as("the slow chunk").isNull();
        answering.finishAndReleaseAll();
    }

    private void startUpload() {
        HttpRequest put = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/v1/files/inbox/x");
        HttpUtil.setContentLength(put, 1_000_000);
        channel.writeInbound(put);
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    private static DefaultHttpContent bytes(int count) {
        return new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[count]));
    }
}
