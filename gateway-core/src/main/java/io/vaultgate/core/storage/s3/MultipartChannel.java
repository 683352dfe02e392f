package io.vaultgate.core.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The channel an envelope writer writes a pending object through, streaming it to S3 as a multipart
 * upload while it arrives. Only the part being filled is in memory ({@link PartBuffer}); a part is sent as
 * soon as a byte beyond it is written. Bytes already sent cannot be rewritten or truncated — the envelope
 * writers never do that: they append segments in order and rewrite only the last stored segment after a
 * resume, which always lies in the buffered part.
 *
 * <p>{@link #persist()} makes the bytes written so far the object stored under the key: in one PUT if they
 * fit in the first part, else by completing the multipart upload. After a persist (or on a reopened object)
 * the stored object is the <em>base</em>: its bytes before the buffered part are readable (ranged GETs,
 * what a resuming writer needs to verify and re-hash them) and, once more data is written, are carried into
 * the next upload with server-side part copies, never through this process.
 *
 * <p>{@link #close()} without a persist aborts the open upload: what was not persisted is gone, as after
 * a crash. Methods are synchronized.
 */
final class MultipartChannel implements SeekableByteChannel {

    private final S3Target target;
    private final PartLayout layout;
    private final PartBuffer buffer;
    private final long readAhead;
    /** Size of the object stored under the key, or -1 if none. */
    private long base;
    private RangeReadChannel baseReader;
    private Multipart upload;
    /** The part the buffer holds, and where it starts. */
    private int part;
    private long partStart;
    private long position;
    private boolean dirty;
    private boolean open = true;

    private MultipartChannel(S3Target target, PartLayout layout, PartMemory memory, long readAhead, long base,
                             boolean dirty) {
        this.target = target;
        this.layout = layout;
        this.buffer = new PartBuffer(memory, (int) layout.length(0));
        this.readAhead = readAhead;
        this.base = base;
        this.dirty = dirty;
    }

    /** A new, empty object; nothing is sent until a part fills or it is persisted. */
    static MultipartChannel create(S3Target target, PartLayout layout, PartMemory memory, long readAhead) {
        return new MultipartChannel(target, layout, memory, readAhead, -1, true);
    }

    /**
     * The object stored under the key, reopened to continue it: uploads a crash left open are settled first
     * ({@link LeftoverUploads}), then its last part is read back into the buffer.
     *
     * @throws java.nio.file.NoSuchFileException if nothing was ever persisted under the key
     */
    static MultipartChannel reopen(S3Target target, PartLayout layout, PartMemory memory, long readAhead)
            throws IOException {
        long stored = ObjectRequests.exists(target) ? ObjectRequests.size(target) : -1;
        stored = LeftoverUploads.settle(target, layout, stored);
        if (stored < 0) {
            throw new java.nio.file.NoSuchFileException("s3://" + target.bucket() + "/" + target.key());
        }
        MultipartChannel channel = new MultipartChannel(target, layout, memory, readAhead, stored, false);
        try {
            channel.loadLastPart();
        } catch (IOException | RuntimeException e) {
            channel.buffer.release();
            throw e;
        }
        return channel;
    }

    private void loadLastPart() throws IOException {
        part = layout.lastPartOf(base);
        partStart = layout.start(part);
        int length = (int) (base - partStart);
        if (length == 0) {
            return;
        }
        try (InputStream in = target.client().getObject(r -> r.bucket(target.bucket()).key(target.key())
                .range("bytes=" + partStart + "-" + (base - 1)))) {
            buffer.fill(in, length);
        } catch (SdkException e) {
            throw S3Failures.of("ranged GET", target, e);
        }
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        requireOpen();
        if (position < partStart) {
            throw new IOException("s3://" + target.bucket() + "/" + target.key() + ": cannot rewrite offset "
                    + position + ", already sent to S3 (the buffered part starts at " + partStart + ")");
        }
        if (position > size()) {
            throw new IOException("s3://" + target.bucket() + "/" + target.key() + ": write at " + position
                    + " would leave a gap after " + size() + " bytes");
        }
        int written = src.remaining();
        while (src.hasRemaining()) {
            long partEnd = layout.end(part);
            if (position == partEnd) {
                sendFullPart();
                partEnd = layout.end(part);
            }
            int n = (int) Math.min(src.remaining(), partEnd - position);
            ByteBuffer piece = src.slice(src.position(), n);
            buffer.put((int) (position - partStart), piece);
            src.position(src.position() + n);
            position += n;
            dirty = true;
        }
        return written;
    }

    /** Sends the full buffered part and moves on to the next; the first time, starts the upload. */
    private void sendFullPart() throws IOException {
        if (part + 1 >= PartLayout.MAX_PARTS) {
            throw new IOException("s3://" + target.bucket() + "/" + target.key() + ": the object would exceed "
                    + PartLayout.MAX_PARTS + " parts (" + layout.maxObjectBytes() + " bytes); raise the part size");
        }
        ensureUploadUpTo(part);
        upload.send(buffer);
        buffer.clear();
        part++;
        partStart = layout.start(part);
    }

    /** Starts the upload if needed and copies the base's parts before {@code part} into it. */
    private void ensureUploadUpTo(int firstBuffered) throws IOException {
        if (upload == null) {
            upload = Multipart.start(target);
        }
        while (upload.count() < firstBuffered) {
            int copied = upload.count();
            upload.copy(layout.start(copied), layout.end(copied));
        }
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        requireOpen();
        if (position >= size()) {
            return -1;
        }
        int n;
        if (position >= partStart) {
            n = buffer.get((int) (position - partStart), dst);
        } else {
            if (upload != null) {
                throw new IOException("s3://" + target.bucket() + "/" + target.key() + ": offset " + position
                        + " was sent in an unfinished upload and cannot be read back");
            }
            if (baseReader == null) {
                baseReader = new RangeReadChannel(target, base, readAhead);
            }
            int limit = (int) Math.min(dst.remaining(), partStart - position);
            ByteBuffer window = dst.slice(dst.position(), limit);
            baseReader.position(position);
            n = baseReader.read(window);
            dst.position(dst.position() + Math.max(n, 0));
        }
        position += Math.max(n, 0);
        return n;
    }

    /**
     * Makes everything written so far the object stored under the key. Nothing happens if nothing changed
     * since the object was reopened or last persisted.
     */
    synchronized void persist() throws IOException {
        requireOpen();
        if (!dirty) {
            return;
        }
        if (upload == null && part == 0) {
            ObjectRequests.put(target, buffer);
        } else {
            ensureUploadUpTo(part);
            if (buffer.length() > 0) {
                upload.send(buffer);
            }
            upload.complete();
            upload = null;
        }
        base = size();
        closeBaseReader();
        dirty = false;
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
    public synchronized long size() {
        return partStart + buffer.length();
    }

    @Override
    public synchronized SeekableByteChannel truncate(long newSize) throws IOException {
        requireOpen();
        if (newSize < 0) {
            throw new IllegalArgumentException("negative size " + newSize);
        }
        if (newSize < size()) {
            if (newSize < partStart) {
                throw new io.vaultgate.core.storage.StoredBytesFixed("s3://" + target.bucket() + "/" + target.key()
                        + ": cannot truncate to " + newSize + ", bytes from " + partStart
                        + " on were already sent to S3");
            }
            buffer.truncate((int) (newSize - partStart));
            dirty = true;
        }
        position = Math.min(position, newSize);
        return this;
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    /** Releases the buffer and aborts an upload not persisted. */
    @Override
    public synchronized void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        buffer.release();
        closeBaseReader();
        if (upload != null) {
            Multipart abandoned = upload;
            upload = null;
            abandoned.abort();
        }
    }

    private void closeBaseReader() {
        if (baseReader != null) {
            baseReader.close();
            baseReader = null;
        }
    }

    private void requireOpen() throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
