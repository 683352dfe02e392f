package io.vaultgate.https.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.https.ClientTls;
import io.vaultgate.https.http.Peer;
import io.vaultgate.https.testing.TestTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real TLS handshakes between two {@link EmbeddedChannel}s, for both server providers, without sockets. */
class PeerCertificateTest {

    @TempDir
    Path dir;

    private final CertificateAuthority clients = TestTls.clientCa("Client CA");
    private final IssuedCertificate alice = clients.issueClient("alice", Duration.ofDays(1));

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void afterAHandshakeWithACertificate_theVerifiedLeafIsTheClients(SslProvider provider) throws Exception {
        EmbeddedChannel server = server(provider);

        handshake(client(true), server);

        assertThat(server.pipeline().get(SslHandler.class).handshakeFuture().isSuccess()).isTrue();
        assertThat(PeerCertificate.verified(server)).contains(alice.certificate());
        assertThat(Peer.of(server).certificate()).contains(alice.certificate());
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void afterAHandshakeWithoutACertificate_thereIsNone(SslProvider provider) throws Exception {
        EmbeddedChannel server = server(provider);

        handshake(client(false), server);

        assertThat(server.pipeline().get(SslHandler.class).handshakeFuture().isSuccess()).isTrue();
        assertThat(PeerCertificate.verified(server)).isEmpty();
    }

    @Test
    void beforeTheHandshakeCompleted_thereIsNone() throws Exception {
        EmbeddedChannel server = server(SslProvider.JDK);
        EmbeddedChannel client = client(true);

        transfer(client, server); // the ClientHello only

        assertThat(PeerCertificate.verified(server)).isEmpty();
    }

    @Test
    void withoutTls_thereIsNone() {
        assertThat(PeerCertificate.verified(new EmbeddedChannel())).isEmpty();
        assertThat(Peer.of(new EmbeddedChannel()).certificate()).isEmpty();
    }

    private EmbeddedChannel server(SslProvider provider) throws Exception {
        SslContext context = ServerTls.serverContext(TestTls.create(dir).serverMaterial(),
                ClientTls.optional(List.of(clients.certificate())), provider);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(context.newHandler(channel.alloc()));
        return channel;
    }

    private EmbeddedChannel client(boolean withCertificate) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        if (withCertificate) {
            builder.keyManager(alice.privateKey(), alice.chain());
        }
        SslContext context = builder.build();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(context.newHandler(channel.alloc()));
        return channel;
    }

    private static void handshake(EmbeddedChannel client, EmbeddedChannel server) {
        for (int round = 0; round < 20; round++) {
            boolean moved = transfer(client, server) | transfer(server, client);
            if (!moved) {
                return;
            }
        }
    }

    private static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        from.runPendingTasks();
        boolean moved = false;
        ByteBuf bytes;
        while ((bytes = from.readOutbound()) != null) {
            moved = true;
            to.writeInbound(bytes);
        }
        return moved;
    }
}
