package io.vaultgate.https.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

/**
 * A connection that holds its place in a connection cap with a request in flight: a PUT whose one-byte body is held
 * back after its {@code 100 Continue}. Such a connection neither waits for a request head (a new connection of its
 * source, or at the listener's cap of any source, takes the place of one that has waited 2 s:
 * {@code ConnectionLimit.EVICTABLE_AFTER}) nor idles (the keep-alive timeout), however long a loaded machine takes
 * between a test's connections; so a test that fills a cap with them sees the next connection refused, strictly.
 */
public final class HeldRequest {

    private HeldRequest() {
    }

    /**
     * Completes a TLS handshake with {@code gateway} over {@code connected} (a TCP connection, a PROXY header already
     * sent on it if any), sends the head of a PUT of {@code name} under {@code /v1/files/inbox/} and reads its
     * {@code 100 Continue}: the request is in flight until the socket is closed or its byte sent.
     */
    public static SSLSocket put(Socket connected, TestGateway gateway, String name) throws IOException {
        SSLSocket tls = (SSLSocket) gateway.tls().clientContext("TLS").getSocketFactory()
                .createSocket(connected, "127.0.0.1", gateway.port(), true);
        tls.setSoTimeout(60_000);
        tls.startHandshake();
        tls.getOutputStream().write(("PUT /v1/files/inbox/" + name + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + gateway.token() + "\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        tls.getOutputStream().flush();
        String head = head(tls.getInputStream());
        if (!head.startsWith("HTTP/1.1 100")) {
            throw new IllegalStateException("expected 100 Continue for the held PUT of " + name + ", got: " + head);
        }
        return tls;
    }

    /** A response head, up to its empty line. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before a whole response head: "
                        + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
