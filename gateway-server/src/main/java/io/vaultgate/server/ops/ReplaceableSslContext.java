package io.vaultgate.server.ops;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;

/**
 * A server TLS context whose certificate can be replaced while the listener runs: every new connection's handler and
 * engine come from the context set last ({@link #replace}), so the connections accepted afterwards get the new
 * certificate and those already open keep theirs. The ops listener's context when {@code ops.tls} is on, so that the
 * certificate watcher renews it as it renews the HTTPS front-end's ({@code HttpsServer.replaceTls}); the listener
 * itself keeps asking one context for handlers.
 */
public final class ReplaceableSslContext extends SslContext {

    private final AtomicReference<SslContext> current;

    public ReplaceableSslContext(SslContext first) {
        current = new AtomicReference<>(requireServer(first));
    }

    /** Serves {@code next} to the connections accepted from now on. */
    public void replace(SslContext next) {
        current.set(requireServer(next));
    }

    private static SslContext requireServer(SslContext context) {
        if (Objects.requireNonNull(context, "context").isClient()) {
            throw new IllegalArgumentException("a client TLS context cannot serve a listener");
        }
        return context;
    }

    private SslContext now() {
        return current.get();
    }

    @Override
    public boolean isClient() {
        return false;
    }

    @Override
    public List<String> cipherSuites() {
        return now().cipherSuites();
    }

    @Override
    @SuppressWarnings("deprecation") // the abstract method's own type; nothing here negotiates with it
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return now().applicationProtocolNegotiator();
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
        return now().newEngine(alloc);
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return now().newEngine(alloc, peerHost, peerPort);
    }

    @Override
    public SSLSessionContext sessionContext() {
        return now().sessionContext();
    }

    // The handlers come from the current context's own newHandler (OpenSSL's skips the JDK-compatibility mode its
    // newEngine needs). A server context never starts TLS late (STARTTLS), so startTls is always false here.

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
        return now().newHandler(alloc);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls) {
        return now().newHandler(alloc, peerHost, peerPort);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls, Executor executor) {
        return now().newHandler(alloc, executor);
    }

    @Override
    protected SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls,
                                    Executor executor) {
        return now().newHandler(alloc, peerHost, peerPort, executor);
    }
}
