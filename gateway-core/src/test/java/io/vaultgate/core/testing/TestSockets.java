package io.vaultgate.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain sockets to a listener under test, and what a test asks of them: did the server close the connection, and
 * what had it sent by then. For the connection-cap tests of the three listeners, which refuse a connection by closing
 * it (before a word of SSH, before TLS, before an HTTP answer).
 *
 * <p>A connection the server closes with a reset counts as closed. Each read waits at most the given time (the
 * socket's read timeout), so a server still sending after that time is not waited for further.
 */
public final class TestSockets {

    private TestSockets() {
    }

    /** A connection to {@code 127.0.0.1:port} from the loopback address {@code source} (e.g. "127.0.0.5"). */
    public static Socket connect(String source, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return socket;
    }

    /**
     * Everything the server sent before it closed the connection; fails if a read still waits after
     * {@code patience}.
     */
    public static String readUntilClosed(Socket socket, Duration patience) throws IOException {
        Read read = read(socket, patience);
        if (!read.closed()) {
            throw new AssertionError("still open after " + patience.toMillis() + " ms; it sent: " + read.sent());
        }
        return read.sent();
    }

    /** Whether the server closed {@code socket}, reading (and dropping) what it sent, for up to {@code wait}. */
    public static boolean isClosed(Socket socket, Duration wait) throws IOException {
        return read(socket, wait).closed();
    }

    /**
     * The sockets the server closed, once it closed any (which one a cap closes may depend on the order the server
     * accepted them or read their headers), looking at each for 50 ms in turn; empty if none was closed within
     * {@code patience}.
     */
    public static List<Socket> closedAmong(List<Socket> sockets, Duration patience) throws IOException {
        List<Socket> closed = new ArrayList<>();
        long deadline = System.nanoTime() + patience.toNanos();
        while (closed.isEmpty() && System.nanoTime() < deadline) {
            for (Socket socket : sockets) {
                if (isClosed(socket, Duration.ofMillis(50))) {
                    closed.add(socket);
                }
            }
        }
        return closed;
    }

    /** Whether the server closed {@code socket} within {@code wait} without sending a byte. */
    public static boolean closedUnanswered(Socket socket, Duration wait) throws IOException {
        Read read = read(socket, wait);
        return read.closed() && read.sent().isEmpty();
    }

    /** Reads until the server closes {@code socket} or a read waits {@code wait} in vain. */
    private static Read read(Socket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        boolean closed;
        try {
            for (int n = socket.getInputStream().read(buffer); n >= 0; n = socket.getInputStream().read(buffer)) {
                sent.write(buffer, 0, n);
            }
            closed = true;
        } catch (SocketTimeoutException stillOpen) {
            closed = false;
        } catch (IOException reset) {
            closed = true;
        }
        return new Read(closed, sent.toString(StandardCharsets.US_ASCII));
    }

    private record Read(boolean closed, String sent) {
    }
}
