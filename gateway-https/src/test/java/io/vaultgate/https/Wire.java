package io.vaultgate.https;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.defender.Offence;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.session.LiveSessions;
import io.vaultgate.https.auth.HttpAuthentication;
import io.vaultgate.https.files.FilesApi;
import io.vaultgate.https.forwarding.ForwardingApi;
import io.vaultgate.https.files.SignedReceipts;
import io.vaultgate.https.http.ApiHandler;
import io.vaultgate.https.http.StrictRequestDecoder;
import io.vaultgate.https.admin.AdminApi;
import io.vaultgate.https.operator.OperatorApi;
import io.vaultgate.https.testing.MemoryStore;
import io.vaultgate.https.tus.TusApi;
import io.vaultgate.https.tus.TusUrls;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server pipeline minus TLS in an {@link EmbeddedChannel}, with a client codec on the other end, so
 * handler tests go through real HTTP/1.1 bytes without a socket.
 */
final class Wire {

    /** The tus URLs of every wire: a fixed key, so a test can make the URL of an upload it did not create. */
    static final TusUrls TUS_URLS = TusUrls.withKey(new byte[32]);

    final EmbeddedChannel server;
    /** The offences the handler reported to the defender, in order. */
    final List<Offence> offences = new CopyOnWriteArrayList<>();
    private final EmbeddedChannel client;
    private final EmbeddedChannel rawClient;

    Wire(Authenticator authenticator, MemoryStore store, long maxUploadBytes) {
        Routes routes = new Routes(new HttpAuthentication(authenticator),
                new FilesApi(store, store, maxUploadBytes, SignedReceipts.NONE),
                new TusApi(store, maxUploadBytes, SignedReceipts.NONE, TUS_URLS), OperatorApi.disabled(),
                AdminApi.disabled(), ForwardingApi.disabled());
        server = new EmbeddedChannel(new StrictRequestDecoder(1024, 2048, 8192), new HttpResponseEncoder(),
                new ChunkedWriteHandler(), new ApiHandler(routes, recording(offences)));
        client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(1 << 24));
        rawClient = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 24));
    }

    /** Sends HTTP objects through the client codec; returns every complete response that came back. */
    List<FullHttpResponse> send(Object... requestParts) {
        for (Object part : requestParts) {
            client.writeOutbound(part);
            ByteBuf bytes;
            while ((bytes = client.readOutbound()) != null) {
                if (server.isOpen()) {
                    server.writeInbound(bytes);
                } else {
                    bytes.release();
                }
            }
        }
        return pump(client);
    }

    /** Sends raw request bytes, for requests a well-behaved client would never produce. */
    List<FullHttpResponse> sendRaw(String request) {
        server.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        return pump(rawClient);
    }

    private List<FullHttpResponse> pump(EmbeddedChannel receiver) {
        server.runPendingTasks();
        ByteBuf bytes;
        while ((bytes = server.readOutbound()) != null) {
            receiver.writeInbound(bytes);
        }
        List<FullHttpResponse> responses = new ArrayList<>();
        Object message;
        while ((message = receiver.readInbound()) != null) {
            responses.add((FullHttpResponse) message);
        }
        return responses;
    }

    /** The open access control, recording the offences reported to it. */
    private static AccessControl recording(List<Offence> offences) {
        AccessControl open = AccessControl.open();
        return new AccessControl() {
            @Override
            public boolean admits(String sourceAddress, String stage) {
                return open.admits(sourceAddress, stage);
            }

            @Override
            public void offence(String sourceAddress, Offence offence) {
                offences.add(offence);
            }

            @Override
            public LiveSessions sessions() {
                return open.sessions();
            }

            @Override
            public boolean mfaRequired(Principal principal) {
                return open.mfaRequired(principal);
            }

            @Override
            public boolean mfaConfigured() {
                return open.mfaConfigured();
            }

            @Override
            public Optional<Mfa.IssuedToken> issueSessionToken(Principal principal) {
                return open.issueSessionToken(principal);
            }

            @Override
            public Optional<String> banner() {
                return open.banner();
            }
        };
    }

    static String body(FullHttpResponse response) {
        return response.content().toString(StandardCharsets.UTF_8);
    }
}
