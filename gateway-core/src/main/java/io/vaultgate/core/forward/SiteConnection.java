package io.vaultgate.core.forward;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One mutual-TLS connection to a site, with the handshake done: a blocking socket the forwarder writes a
 * request to and reads the answer from, kept alive between requests by {@link SiteConnections}. Blocking
 * I/O on the worker's own thread is the whole point: the body goes from the decrypting reader into the TLS
 * socket in 64 KiB writes with no hand-off between threads. The TLS is BoringSSL's ({@link EngineStreams})
 * or the JDK's ({@code SSLSocket}), see {@link SiteTlsProvider}.
 */
final class SiteConnection implements Closeable {

    /** The TLS layer over {@code plain}: an {@code SSLSocket} or {@link EngineStreams}. */
    private interface Tls extends Closeable {
        boolean isClosed();

        void readTimeout(int millis) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** How long {@link #answerWaiting} waits for plaintext when bytes from the site are waiting. */
    private static final int PEEK_MILLIS = 1;

    private final Socket plain;
    private final InputStream kernel;
    private final Tls tls;
    private final InputStream in;
    private final OutputStream out;
    private final String siteCertificateSha256;
    private final Instant certificatesValidUntil;
    private volatile boolean timedOut;

    private SiteConnection(Socket plain, Tls tls, SSLSession session, InputStream in, OutputStream out)
            throws IOException {
        this.plain = plain;
        this.kernel = plain.getInputStream();
        this.tls = tls;
        this.siteCertificateSha256 = fingerprint(session);
        this.certificatesValidUntil = validUntil(session);
        this.in = new BufferedInputStream(in, 16 * 1024);
        this.out = out;
    }

    /**
     * Connects and completes the TLS handshake with JSSE within {@code connectTimeout}; the site's certificate
     * is checked against the pinned anchors and {@code host} by {@code parameters}.
     */
    static SiteConnection open(SSLSocketFactory factory, SSLParameters parameters, String host, int port,
                               Duration connectTimeout, ScheduledExecutorService timer) throws IOException {
        int timeout = timeoutMillis(connectTimeout);
        Socket plain = new Socket();
        HandshakeGuard guard = new HandshakeGuard(plain, host, port, connectTimeout, timer);
        try (guard) {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), timeout);
            SSLSocket socket = (SSLSocket) factory.createSocket(plain, host, port, true);
            socket.setSSLParameters(parameters);
            socket.setUseClientMode(true);
            socket.setSoTimeout(timeout);
            socket.startHandshake();
            Tls tls = new Tls() {
                @Override
                public boolean isClosed() {
                    return socket.isClosed();
                }

                @Override
                public void readTimeout(int millis) throws IOException {
                    socket.setSoTimeout(millis);
                }

                @Override
                public void close() throws IOException {
                    socket.close();
                }
            };
            return new SiteConnection(plain, tls, socket.getSession(), socket.getInputStream(),
                    socket.getOutputStream());
        } catch (IOException | RuntimeException e) {
            plain.close();
            if (guard.fired()) {
                throw guard.timeout();
            }
            throw e;
        }
    }

    /**
     * Connects and completes the TLS handshake with an engine of {@code context} (BoringSSL) within
     * {@code connectTimeout}; the context checks the site's certificate against the pinned anchors and
     * {@code host}.
     */
    static SiteConnection open(SslContext context, String host, int port, Duration connectTimeout,
                               ScheduledExecutorService timer) throws IOException {
        int timeout = timeoutMillis(connectTimeout);
        SocketChannel channel = SocketChannel.open();
        EngineStreams streams = null;
        HandshakeGuard guard = new HandshakeGuard(channel.socket(), host, port, connectTimeout, timer);
        try (guard) {
            Socket plain = channel.socket();
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), timeout);
            plain.setSoTimeout(timeout);
            SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT, host, port);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
            streams = new EngineStreams(channel, engine);
            streams.handshake();
            EngineStreams layer = streams;
            Tls tls = new Tls() {
                @Override
                public boolean isClosed() {
                    return layer.isClosed();
                }

                @Override
                public void readTimeout(int millis) throws IOException {
                    plain.setSoTimeout(millis); // EngineStreams reads from this socket
                }

                @Override
                public void close() {
                    layer.close();
                }
            };
            return new SiteConnection(plain, tls, engine.getSession(), layer.in(), layer.out());
        } catch (IOException | RuntimeException e) {
            if (streams != null) {
                streams.close();
            }
            channel.close();
            if (guard.fired()) {
                throw guard.timeout();
            }
            throw e;
        }
    }

    /**
     * Bounds connecting and the whole handshake by the connect timeout: the socket's read timeout bounds each
     * read only, so a site that drips its handshake a byte at a time would otherwise hold the worker for ever.
     */
    private static final class HandshakeGuard implements AutoCloseable {
        private final ScheduledFuture<?> closing;
        private final String peer;
        private final Duration timeout;
        private volatile boolean fired;

        HandshakeGuard(Socket plain, String host, int port, Duration timeout, ScheduledExecutorService timer) {
            this.peer = host + ":" + port;
            this.timeout = timeout;
            this.closing = timer.schedule(() -> {
                fired = true;
                try {
                    plain.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        boolean fired() {
            return fired;
        }

        SocketTimeoutException timeout() {
            return new SocketTimeoutException("the TLS handshake with " + peer + " did not complete within " + timeout);
        }

        /** Done (or failed) in time: the socket stays open. */
        @Override
        public void close() {
            closing.cancel(false);
        }
    }

    private static int timeoutMillis(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /** Hex SHA-256 of the DER of the certificate the site presented in the handshake. */
    String siteCertificateSha256() {
        return siteCertificateSha256;
    }

    private static String fingerprint(SSLSession session) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(session.getPeerCertificates()[0].getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the site's certificate: " + e.getMessage(), e);
        }
    }

    /**
     * When the first certificate of the chain the site presented expires: the handshake's verdict does not
     * hold after that, so the connection is not reused past it ({@link SiteConnections#reuse}).
     */
    Instant certificatesValidUntil() {
        return certificatesValidUntil;
    }

    private static Instant validUntil(SSLSession session) throws IOException {
        Instant until = Instant.MAX;
        for (Certificate certificate : session.getPeerCertificates()) {
            if (certificate instanceof X509Certificate x509 && x509.getNotAfter().toInstant().isBefore(until)) {
                until = x509.getNotAfter().toInstant();
            }
        }
        return until;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    /**
     * Whether the site has begun to answer, looked at between writes of a request body without waiting for
     * it: plaintext is buffered, or bytes from the site wait in the kernel and the TLS layer returns plaintext
     * from them within {@value #PEEK_MILLIS} ms. Those bytes may also be records that carry no answer (a
     * TLS 1.3 session ticket sent after the handshake, a key update): the TLS layer consumes them then, so
     * the cost is one short wait per such record. Plaintext read here stays buffered for the answer's reader;
     * the read timeout is changed, so set it before reading the answer.
     */
    boolean answerWaiting() throws IOException {
        if (in.available() > 0) {
            return true;
        }
        if (kernel.available() == 0) {
            return false;
        }
        tls.readTimeout(PEEK_MILLIS);
        in.mark(1);
        try {
            int first = in.read();
            in.reset();
            return first >= 0; // at the end, the next write fails instead
        } catch (SocketTimeoutException none) {
            return false;
        }
    }

    /** How long a read may wait for the site. */
    void readTimeout(Duration timeout) throws IOException {
        tls.readTimeout(timeoutMillis(timeout));
    }

    /**
     * Closes the connection at {@code deadline} if the exchange is still running then (a blocking write to a
     * site that stopped reading has no timeout of its own). Cancel the returned future when done.
     */
    ScheduledFuture<?> closeAt(ScheduledExecutorService timer, long deadlineNanos) {
        return timer.schedule(() -> {
            timedOut = true;
            try {
                plain.close(); // not the TLS socket: its close could wait for the blocked writer's lock
            } catch (IOException ignored) {
                // closing anyway
            }
        }, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Whether the deadline closed this connection. */
    boolean timedOut() {
        return timedOut;
    }

    boolean isClosed() {
        return tls.isClosed() || plain.isClosed();
    }

    void closeQuietly() {
        try {
            tls.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
