package io.vaultgate.core.metrics;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.ingest.CommitChecks;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.crypto.CryptoException.ReorderMemoryFull;
import java.nio.ByteBuffer;

/**
 * An upload that counts the bytes of each write that succeeded (a write stores all of its buffer or fails) and
 * each write refused for want of reorder memory, and runs every call with the transfer in the logging MDC;
 * everything else passes straight through.
 */
final class MeteredUpload implements Upload {

    private final Upload delegate;
    private final InFlightTransfer transfer;
    private final TransferMetrics metrics;

    MeteredUpload(Upload delegate, InFlightTransfer transfer, TransferMetrics metrics) {
        this.delegate = delegate;
        this.transfer = transfer;
        this.metrics = metrics;
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
        try (TransferMdc mdc = TransferMdc.enter(transfer)) {
            delegate.write(offset, src);
        } catch (GatewayException e) {
            if (e.getCause() instanceof ReorderMemoryFull full) {
                metrics.reorderRefused(transfer, full.bound());
            }
            throw e;
        }
        transfer.add(n);
    }

    @Override
    public Receipt commit(CommitChecks checks) {
        try (TransferMdc mdc = TransferMdc.enter(transfer)) {
            return delegate.commit(checks);
        }
    }

    @Override
    public void abort() {
        try (TransferMdc mdc = TransferMdc.enter(transfer)) {
            delegate.abort();
        }
    }

    @Override
    public void suspend() {
        try (TransferMdc mdc = TransferMdc.enter(transfer)) {
            delegate.suspend();
        }
    }

    @Override
    public void close() {
        try (TransferMdc mdc = TransferMdc.enter(transfer)) {
            delegate.close();
        }
    }
}
