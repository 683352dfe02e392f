package io.vaultgate.core.forward;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One mutual-TLS connection to a site, with the handshake done: a blocking socket the forwarder writes a
 * request to and reads the answer from, kept alive between requests by {@link SiteConnections}. Blocking
 * I/O on the worker's own thread is the whole point: the body goes from the decrypting reader into the TLS
 * socket in 64 KiB writes with no hand-off between threads.
 */
final class SiteConnection implements Closeable {

    private final Socket plain;
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String siteCertificateSha256;
    private volatile boolean timedOut;

    private SiteConnection(Socket plain, SSLSocket socket) throws IOException {
        this.plain = plain;
        this.socket = socket;
        this.siteCertificateSha256 = fingerprint(socket);
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and completes the TLS handshake within {@code connectTimeout}; the site's certificate is
     * checked against the pinned anchors and {@code host} by {@code parameters}.
     */
    static SiteConnection open(SSLSocketFactory factory, SSLParameters parameters, String host, int port,
                               Duration connectTimeout) throws IOException {
        int timeout = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), timeout);
            SSLSocket tls = (SSLSocket) factory.createSocket(plain, host, port, true);
            tls.setSSLParameters(parameters);
            tls.setUseClientMode(true);
            tls.setSoTimeout(timeout);
            tls.startHandshake();
            return new SiteConnection(plain, tls);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Hex SHA-256 of the DER of the certificate the site presented in the handshake. */
    String siteCertificateSha256() {
        return siteCertificateSha256;
    }

    private static String fingerprint(SSLSocket socket) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(socket.getSession().getPeerCertificates()[0].getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the site's certificate: " + e.getMessage(), e);
        }
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    /** How long a read may wait for the site. */
    void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
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
        return socket.isClosed() || plain.isClosed();
    }

    void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
