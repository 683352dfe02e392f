package io.vaultgate.core.storage.s3;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A read-only channel on a stored object that fetches bytes with ranged GETs. A read after a seek asks for
 * exactly the bytes wanted — a random-access read of one envelope segment transfers that segment and no
 * more — while a read that continues where the last one ended streams ahead up to {@code readAhead} bytes
 * in one response, so a sequential download costs one request per read-ahead window, not per segment.
 * Nothing is buffered here beyond the HTTP client's own socket buffer.
 */
final class RangeReadChannel implements SeekableByteChannel {

    private final S3Target target;
    private final long size;
    private final long readAhead;
    private long position;
    private long lastReadEnd = -1;
    private ResponseInputStream<GetObjectResponse> stream;
    private long streamPosition;
    private long streamEnd;
    private boolean open = true;

    RangeReadChannel(S3Target target, long size, long readAhead) {
        this.target = target;
        this.size = size;
        this.readAhead = readAhead;
    }

    /** Opens a channel on the object as it is now; a missing object is a {@link java.nio.file.NoSuchFileException}. */
    static RangeReadChannel open(S3Target target, long readAhead) throws IOException {
        return new RangeReadChannel(target, ObjectRequests.size(target), readAhead);
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        requireOpen();
        if (position >= size) {
            return -1;
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (stream == null || streamPosition != position) {
            boolean sequential = position == lastReadEnd;
            long want = sequential ? Math.max(dst.remaining(), readAhead) : dst.remaining();
            openStream(position, Math.min(size, position + want));
        }
        int n = (int) Math.min(dst.remaining(), streamEnd - streamPosition);
        int read;
        try {
            if (dst.hasArray()) {
                read = stream.read(dst.array(), dst.arrayOffset() + dst.position(), n);
                if (read > 0) {
                    dst.position(dst.position() + read);
                }
            } else {
                byte[] chunk = new byte[Math.min(n, 64 * 1024)];
                read = stream.read(chunk, 0, chunk.length);
                if (read > 0) {
                    dst.put(chunk, 0, read);
                }
            }
        } catch (IOException | SdkException e) {
            abortStream();
            throw e instanceof IOException io ? io
                    : S3Failures.of("read", target, (SdkException) e);
        }
        if (read < 0) {
            abortStream();
            throw new EOFException("s3://" + target.bucket() + "/" + target.key() + " ended at " + streamPosition
                    + ", before the " + streamEnd + " bytes asked for");
        }
        position += read;
        streamPosition += read;
        lastReadEnd = position;
        if (streamPosition == streamEnd) {
            closeStream();
        }
        return read;
    }

    private void openStream(long from, long to) throws IOException {
        abortStream();
        try {
            stream = target.client().getObject(r -> r.bucket(target.bucket()).key(target.key())
                    .range("bytes=" + from + "-" + (to - 1)));
        } catch (SdkException e) {
            throw S3Failures.of("ranged GET", target, e);
        }
        streamPosition = from;
        streamEnd = to;
    }

    /** Drops a response not read to its end without draining it (the connection is not reused). */
    private void abortStream() {
        if (stream != null) {
            stream.abort();
            closeQuietly();
        }
    }

    private void closeStream() {
        if (stream != null) {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            stream.close();
        } catch (IOException ignored) {
            // nothing left to read from it
        }
        stream = null;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized long position() throws IOException {
        requireOpen();
        return position;
    }

    @Override
    public synchronized SeekableByteChannel position(long newPosition) throws IOException {
        requireOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public synchronized long size() throws IOException {
        requireOpen();
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public synchronized void close() {
        if (open) {
            open = false;
            if (stream != null && streamPosition < streamEnd) {
                abortStream();
            } else {
                closeStream();
            }
        }
    }

    private void requireOpen() throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
