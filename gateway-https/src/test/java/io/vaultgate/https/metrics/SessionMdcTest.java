package io.vaultgate.https.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class SessionMdcTest {

    @Test
    void handlersAfterIt_seeTheConnectionsSessionId_andTheMdcIsRestoredAfterEachEvent() {
        List<String> seen = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new SessionMdc(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                seen.add(MDC.get(SessionMdc.KEY));
            }
        });
        MDC.put(SessionMdc.KEY, "outer");

        channel.writeInbound("first");
        channel.writeInbound("second");

        assertThat(seen).hasSize(2).allSatisfy(id -> assertThat(id).isEqualTo("https-" + channel.id().asShortText()));
        assertThat(MDC.get(SessionMdc.KEY)).isEqualTo("outer");
        MDC.remove(SessionMdc.KEY);
        channel.finishAndReleaseAll();
    }

    @Test
    void twoConnections_haveDifferentSessionIds() {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            new EmbeddedChannel(DefaultChannelId.newInstance(), new SessionMdc(), new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    seen.add(MDC.get(SessionMdc.KEY));
                }
            }).writeInbound("x");
        }

        assertThat(seen).doesNotHaveDuplicates().hasSize(2);
        assertThat(MDC.get(SessionMdc.KEY)).isNull();
    }

    @Test
    void connectionMeters_countAcceptedAndOpenConnections() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HttpsConnections meters = HttpsConnections.registeredIn(registry);

        EmbeddedChannel first = new EmbeddedChannel(meters.handler());
        EmbeddedChannel second = new EmbeddedChannel(meters.handler());
        first.close();

        assertThat(registry.get("vaultgate.https.connections").counter().count()).isEqualTo(2);
        assertThat(registry.get("vaultgate.https.connections.open").gauge().value()).isEqualTo(1);
        second.close();
        assertThat(meters.open()).isZero();
        assertThat(HttpsConnections.none().open()).isZero();
    }
}
