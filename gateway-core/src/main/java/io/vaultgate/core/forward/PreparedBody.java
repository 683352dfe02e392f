package io.vaultgate.core.forward;

import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A request body whose first chunks are read as soon as the file is opened, before a connection is taken or
 * the request head is written ({@link #prepare}): the read-ahead started then serves the first exchange, so a
 * file prepared while the previous file's answer is awaited is decrypted meanwhile. An exchange repeated on a
 * new connection reads the source again from the start, with a read-ahead of its own.
 */
final class PreparedBody implements AutoCloseable {

    private final BodySource source;
    private final Executor readers;
    private final ChunkPool chunks;
    private ReadAhead started;

    private PreparedBody(BodySource source, Executor readers, ChunkPool chunks) {
        this.source = source;
        this.readers = readers;
        this.chunks = chunks;
    }

    /** Starts reading {@code source} ahead on {@code readers} (unless it is empty or the pool refuses). */
    static PreparedBody prepare(BodySource source, Executor readers) {
        return prepare(source, readers, new ChunkPool(Http1Put.CHUNK, 0));
    }

    /** Like {@link #prepare(BodySource, Executor)}, its read-ahead's chunks taken from {@code chunks}. */
    static PreparedBody prepare(BodySource source, Executor readers, ChunkPool chunks) {
        PreparedBody body = new PreparedBody(source, readers, chunks);
        body.started = body.start().orElse(null);
        return body;
    }

    long size() {
        return source.size();
    }

    BodySource source() {
        return source;
    }

    /**
     * The read-ahead for one exchange: the one started by {@link #prepare} the first time, a new one after;
     * empty for an empty body, or when the reader pool refuses (the forwarder is closing): the sender then
     * reads the source itself. The caller closes it.
     */
    Optional<ReadAhead> readAhead() {
        if (started != null) {
            ReadAhead first = started;
            started = null;
            return Optional.of(first);
        }
        return start();
    }

    private Optional<ReadAhead> start() {
        if (source.size() == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(ReadAhead.start(source, chunks, readers));
        } catch (RejectedExecutionException closing) {
            return Optional.empty();
        }
    }

    /** Stops a read-ahead that no exchange took (the body was never sent); the source is closed by its owner. */
    @Override
    public void close() {
        if (started != null) {
            started.close();
            started = null;
        }
    }
}
