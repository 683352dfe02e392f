package io.vaultgate.core.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * An interrupted upload's object as recovery verifies it, which hears of a cut before it is made: truncating it shorter
 * first calls {@link BeforeCut#cutting}, and a failure there leaves the object as it was. Recovery records a cut of
 * more than the last segment ({@code upload.suspended}) so, before the bytes go: were the event recorded after the
 * cut, a failure in between would lose it, as a retry finds the object already cut and nothing left to report
 * (review23d L1). Everything else passes through.
 */
final class CutRecordingChannel implements SeekableByteChannel {

    /** Told of a truncation from {@code size} to {@code newSize} bytes before it happens. */
    @FunctionalInterface
    interface BeforeCut {
        void cutting(long size, long newSize) throws IOException;
    }

    private final SeekableByteChannel object;
    private final BeforeCut beforeCut;

    CutRecordingChannel(SeekableByteChannel object, BeforeCut beforeCut) {
        this.object = object;
        this.beforeCut = beforeCut;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) throws IOException {
        long size = object.size();
        if (newSize < size) {
            beforeCut.cutting(size, newSize);
        }
        object.truncate(newSize);
        return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return object.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return object.write(src);
    }

    @Override
    public long position() throws IOException {
        return object.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        object.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return object.size();
    }

    @Override
    public boolean isOpen() {
        return object.isOpen();
    }

    /** Closes nothing: the object belongs to its {@code PendingObject}, which recovery closes. */
    @Override
    public void close() {
    }
}
