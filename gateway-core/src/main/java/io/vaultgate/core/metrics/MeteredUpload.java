package io.vaultgate.core.metrics;

import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import java.nio.ByteBuffer;
import java.util.function.LongConsumer;

/**
 * An upload that reports the bytes of each write that succeeded (a write stores all of its buffer or fails);
 * everything else passes straight through.
 */
final class MeteredUpload implements Upload {

    private final Upload delegate;
    private final LongConsumer accepted;

    MeteredUpload(Upload delegate, LongConsumer accepted) {
        this.delegate = delegate;
        this.accepted = accepted;
    }

    @Override
    public String fileId() {
        return delegate.fileId();
    }

    @Override
    public long resumeOffset() {
        return delegate.resumeOffset();
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        int n = src.remaining();
        delegate.write(offset, src);
        accepted.accept(n);
    }

    @Override
    public Receipt commit() {
        return delegate.commit();
    }

    @Override
    public void abort() {
        delegate.abort();
    }

    @Override
    public void suspend() {
        delegate.suspend();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
