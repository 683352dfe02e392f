package io.vaultgate.https.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.session.LiveSession;
import io.vaultgate.core.session.LiveSessions;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.testing.TokenAuthenticator;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Logins on HTTP/2 streams belong to the TCP connection: a stream sees the login another stream of its connection
 * made, each principal logged in on the connection keeps a registration while their streams may run at once, and
 * ending any of them closes the whole connection with every stream on it. On HTTP/1.1 a new login still replaces
 * the previous one. (Here the streams never open on the wire; {@code Http2ConnectionIT} shows the real ones ending.)
 */
class Http2StreamLoginsTest {

    private static final ClientPrincipal BOB = new ClientPrincipal("b1", "bob", TenantId.of("acme"), Protocol.HTTPS);
    private static final byte[] ALICE_PRESENTED = {1};
    private static final byte[] BOB_PRESENTED = {2};

    private final LiveSessions live = new LiveSessions(Clock.systemUTC());
    private final ChannelSessions sessions = new ChannelSessions(live, Duration.ofSeconds(60), System::nanoTime);
    private final EmbeddedChannel connection = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(),
            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));

    @AfterEach
    void close() {
        connection.finishAndReleaseAll();
    }

    private Http2StreamChannel stream() {
        return new Http2StreamChannelBootstrap(connection).handler(new ChannelInboundHandlerAdapter()).open()
                .syncUninterruptibly().getNow();
    }

    @Test
    void twoLoginsOnOneConnection_eachRegistered_andEndingOneClosesTheConnectionWithEveryStream() {
        Http2StreamChannel aliceStream = stream();
        Http2StreamChannel bobStream = stream();

        sessions.register(aliceStream, TokenAuthenticator.ALICE, "token-a", "192.0.2.7", ALICE_PRESENTED);
        sessions.register(bobStream, BOB, "token-b", "192.0.2.7", BOB_PRESENTED);

        assertThat(live.list()).extracting(LiveSession::principal).extracting(p -> p.name())
                .containsExactlyInAnyOrder("alice", "bob");
        assertThat(sessions.reuse(bobStream, ALICE_PRESENTED)).as("a login of the connection, seen from another stream")
                .contains(TokenAuthenticator.ALICE);
        assertThat(sessions.reuse(stream(), BOB_PRESENTED)).contains(BOB);

        live.endWhere(session -> session.principal().name().equals("alice"), "credential revoked");
        connection.runPendingTasks();

        // closing the connection ends its streams (Http2ConnectionIT: a download of the same connection ends too)
        assertThat(connection.isOpen()).as("the TCP connection, not only alice's stream").isFalse();
        assertThat(live.list()).as("every registration of the connection ends with it").isEmpty();
    }

    @Test
    void onHttp11_aNewLoginReplacesThePreviousRegistration() {
        EmbeddedChannel http11 = new EmbeddedChannel();

        sessions.register(http11, TokenAuthenticator.ALICE, "token-a", "192.0.2.7", ALICE_PRESENTED);
        sessions.register(http11, BOB, "token-b", "192.0.2.7", BOB_PRESENTED);

        assertThat(live.list()).extracting(session -> session.principal().name()).containsExactly("bob");
        assertThat(sessions.reuse(http11, ALICE_PRESENTED)).isEmpty();
        http11.close();
        assertThat(live.list()).isEmpty();
    }
}
