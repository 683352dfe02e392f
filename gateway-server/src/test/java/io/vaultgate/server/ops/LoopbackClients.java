package io.vaultgate.server.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Raw client connections to a listener under test, each from a loopback source address the test chooses
 * ({@code 127.0.0.x}: a per-address cap is reached from an address nothing else uses), all closed by
 * {@link #close}; and slow clients that trickle a request head ({@link #trickleHead}).
 */
final class LoopbackClients implements AutoCloseable {

    /** A request head that is never finished: what {@link #trickleHead} sends, a byte at a time. */
    private static final byte[] ENDLESS_HEAD = ("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: " + "s".repeat(200))
            .getBytes(StandardCharsets.US_ASCII);

    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    /** A connection to the loopback {@code port} from the loopback address {@code from} (e.g. "127.0.0.5"). */
    Socket connect(int port, String from) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(from), 0);
        sockets.add(socket);
        return socket;
    }

    /** The connections made so far, oldest first. */
    List<Socket> connected() {
        return List.copyOf(sockets);
    }

    /**
     * From {@code after} on, sends a request head a byte every 200 ms on {@code socket}, never finishing it, until
     * the server closes the connection or {@link #close}.
     */
    void trickleHead(Socket socket, Duration after) {
        int[] next = {0};
        trickle.scheduleWithFixedDelay(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(ENDLESS_HEAD[next[0]++ % ENDLESS_HEAD.length]);
                out.flush();
            } catch (IOException closed) {
                throw new IllegalStateException(closed); // ends this client's task
            }
        }, after.toMillis(), 200, TimeUnit.MILLISECONDS);
    }

    /** Stops the trickling and closes every connection. */
    @Override
    public void close() throws IOException {
        trickle.shutdownNow();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
