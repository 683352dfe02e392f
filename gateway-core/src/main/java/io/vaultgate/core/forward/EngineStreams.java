package io.vaultgate.core.forward;

import io.netty.util.ReferenceCountUtil;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * An {@link SSLEngine} (here BoringSSL's, from netty-tcnative) driven over a connected, blocking socket
 * channel, as a pair of blocking streams: what {@link SiteConnection} needs of an {@code SSLSocket}.
 * A write encrypts the whole buffer into as many records as it takes and sends them with one system call
 * (a 64 KiB chunk of a file: four records, one {@code write}); a read decrypts records until some plaintext
 * (or the end) arrives. Reads honour the socket's timeout ({@code SO_TIMEOUT}); a blocked write ends when
 * another thread closes the socket. One thread at a time reads and writes (the worker owning the connection).
 */
final class EngineStreams implements Closeable {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Plaintext encrypted per {@code wrap} batch: a 64 KiB chunk and the request head fit. */
    private static final int PLAIN_BATCH = Http1Put.CHUNK + 8 * 1024;

    private final SocketChannel channel;
    private final InputStream raw;
    private final SSLEngine engine;
    private final ByteBuffer plainOut;
    private final ByteBuffer netOut;
    private final ByteBuffer netIn;
    private final ByteBuffer appIn;
    private final byte[] received;
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private boolean inboundDone;
    private boolean writeUnfinished;
    private boolean closed;

    /** Takes ownership of {@code engine} (released on close); {@code channel} must be connected and blocking. */
    EngineStreams(SocketChannel channel, SSLEngine engine) throws IOException {
        this.channel = channel;
        this.raw = channel.socket().getInputStream();
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        int records = PLAIN_BATCH / (16 * 1024) + 2;
        this.plainOut = ByteBuffer.allocateDirect(PLAIN_BATCH);
        this.netOut = ByteBuffer.allocateDirect(records * packet);
        this.netIn = ByteBuffer.allocateDirect(2 * packet);
        this.appIn = ByteBuffer.allocateDirect(Math.max(engine.getSession().getApplicationBufferSize(),
                16 * 1024 + 256));
        this.appIn.flip(); // read mode, empty
        this.received = new byte[packet];
    }

    /** Runs the handshake to its end; the socket's timeout bounds each read. */
    synchronized void handshake() throws IOException {
        engine.beginHandshake();
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        while (status != SSLEngineResult.HandshakeStatus.FINISHED
                && status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
            switch (status) {
                case NEED_WRAP -> status = wrap(EMPTY).getHandshakeStatus();
                case NEED_TASK -> {
                    runTasks();
                    status = engine.getHandshakeStatus();
                }
                default -> { // NEED_UNWRAP, NEED_UNWRAP_AGAIN
                    appIn.compact();
                    try {
                        SSLEngineResult result = unwrap();
                        if (result == null) {
                            throw new SSLHandshakeException("the site closed the connection during the TLS handshake");
                        }
                        status = result.getHandshakeStatus();
                    } finally {
                        appIn.flip();
                    }
                }
            }
        }
        flush();
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    /** Whether the site ended the TLS session or this side closed it. */
    synchronized boolean isClosed() {
        return closed || inboundDone || engine.isOutboundDone() || !channel.isOpen();
    }

    /** Sends close_notify unless a write was cut short, then closes the socket and frees the engine. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!writeUnfinished && channel.isOpen()) {
                engine.closeOutbound();
                netOut.clear();
                engine.wrap(EMPTY, netOut);
                flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed
            }
            ReferenceCountUtil.safeRelease(engine);
        }
    }

    /** Encrypts {@code plain} (all of it) and sends the records. */
    private synchronized void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new SSLException("the TLS connection is closed");
        }
        writeUnfinished = true;
        while (len > 0) {
            int n = Math.min(len, plainOut.capacity());
            plainOut.clear();
            plainOut.put(b, off, n).flip();
            while (plainOut.hasRemaining()) {
                wrap(plainOut);
            }
            off += n;
            len -= n;
        }
        flush();
        writeUnfinished = false;
    }

    /** One {@code wrap} into {@link #netOut}, sending what is there first if it is full. */
    private SSLEngineResult wrap(ByteBuffer source) throws IOException {
        while (true) {
            SSLEngineResult result;
            try {
                result = engine.wrap(source, netOut);
            } catch (SSLException e) {
                flushQuietly(); // an alert the engine produced before it gave up
                throw e;
            }
            switch (result.getStatus()) {
                case OK -> {
                    if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    if (source == EMPTY) {
                        flush();
                    }
                    return result;
                }
                case BUFFER_OVERFLOW -> {
                    if (netOut.position() == 0) {
                        throw new SSLException("a TLS record does not fit the " + netOut.capacity() + "-byte buffer");
                    }
                    flush();
                }
                case CLOSED -> {
                    flushQuietly();
                    throw new SSLException("the TLS connection is closed");
                }
                default -> throw new SSLException("unexpected TLS engine state " + result.getStatus());
            }
        }
    }

    private void flush() throws IOException {
        netOut.flip();
        try {
            while (netOut.hasRemaining()) {
                channel.write(netOut);
            }
        } finally {
            netOut.clear();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException ignored) {
            // the exception being thrown says more
        }
    }

    /**
     * Unwraps into {@link #appIn} (write mode) until some plaintext arrives or, in a handshake, until the
     * handshake wants something else; null at the end of the stream or of the TLS session.
     */
    private SSLEngineResult unwrap() throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } catch (SSLException e) {
                flushQuietly(); // an alert the engine produced before it gave up
                throw e;
            } finally {
                netIn.compact();
            }
            if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            SSLEngineResult.HandshakeStatus handshake = result.getHandshakeStatus();
            boolean wantsInput = handshake == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    || handshake == SSLEngineResult.HandshakeStatus.NEED_UNWRAP;
            switch (result.getStatus()) {
                case OK -> {
                    if (result.bytesProduced() > 0 || handshake != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                        return result;
                    }
                    if (result.bytesConsumed() == 0 && !receive()) {
                        return null;
                    }
                }
                case BUFFER_UNDERFLOW -> { // BoringSSL may finish a handshake and ask for more in one answer
                    if (!wantsInput) {
                        return result;
                    }
                    if (!receive()) {
                        return null;
                    }
                }
                case BUFFER_OVERFLOW -> throw new SSLException("a TLS record does not fit the "
                        + appIn.capacity() + "-byte buffer");
                case CLOSED -> {
                    inboundDone = true;
                    return result.bytesProduced() > 0 ? result : null;
                }
                default -> throw new SSLException("unexpected TLS engine state " + result.getStatus());
            }
        }
    }

    /** Reads what the socket has into {@link #netIn}; false at its end. */
    private boolean receive() throws IOException {
        if (!netIn.hasRemaining()) {
            throw new SSLException("a TLS record does not fit the " + netIn.capacity() + "-byte buffer");
        }
        int n = raw.read(received, 0, Math.min(received.length, netIn.remaining()));
        if (n < 0) {
            return false;
        }
        netIn.put(received, 0, n);
        return true;
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    private synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!appIn.hasRemaining()) {
            if (inboundDone || closed) {
                return -1;
            }
            appIn.compact();
            SSLEngineResult result;
            try {
                result = unwrap();
            } finally {
                appIn.flip();
            }
            if (result == null && !appIn.hasRemaining()) {
                return -1;
            }
            if (result != null && result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                wrap(EMPTY); // the engine's answer to a post-handshake message (a key update)
            }
        }
        int n = Math.min(len, appIn.remaining());
        appIn.get(b, off, n);
        return n;
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            return EngineStreams.this.read(b, off, len);
        }

        @Override
        public void close() {
            EngineStreams.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            EngineStreams.this.write(b, off, len);
        }

        @Override
        public void close() {
            EngineStreams.this.close();
        }
    }
}
