package io.vaultgate.core.metrics;

import io.vaultgate.core.files.FileContent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file being downloaded: counts the plaintext bytes each read returns (with the transfer in the logging
 * MDC while it reads), and on close ends the transfer as
 * {@code completed} if the file's last byte was read, {@code incomplete} if not, or {@code failed} if a read
 * failed (tampered ciphertext, storage error).
 */
final class MeteredContent implements FileContent {

    private final FileContent delegate;
    private final TransferMetrics metrics;
    private final InFlightTransfer transfer;
    private final long size;
    private final AtomicLong end = new AtomicLong();
    private volatile boolean failed;

    MeteredContent(FileContent delegate, TransferMetrics metrics, InFlightTransfer transfer) {
        this.delegate = delegate;
        this.metrics = metrics;
        this.transfer = transfer;
        this.size = delegate.size();
    }

    @Override
    public String fileId() {
        return delegate.fileId();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String sha256() {
        return delegate.sha256();
    }

    @Override
    public void requireReadable() throws IOException {
        delegate.requireReadable();
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        int n;
        try (TransferMdc mdc = TransferMdc.enter(transfer)) {
            n = delegate.read(position, dst);
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
        if (n > 0) {
            transfer.add(n);
            end.accumulateAndGet(position + n, Math::max);
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        try (TransferMdc mdc = TransferMdc.enter(transfer)) {
            delegate.close();
        } finally {
            TransferOutcome outcome = failed ? TransferOutcome.FAILED
                    : end.get() >= size ? TransferOutcome.COMPLETED : TransferOutcome.INCOMPLETE;
            metrics.endDownload(transfer, outcome, size);
        }
    }
}
