package io.vaultgate.core.metrics;

import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live state of one transfer: its labels, when it started and the bytes that have flowed. Bytes are
 * added to the transfer-bytes counter as they flow, so rates are right during long transfers too.
 */
final class InFlightTransfer {

    private final TransferSnapshot identity;
    private final String tenantLabel;
    private final long startNanos;
    private final Counter bytesCounter;
    private final AtomicLong bytes = new AtomicLong();

    InFlightTransfer(TransferSnapshot identity, String tenantLabel, long startNanos, Counter bytesCounter) {
        this.identity = identity;
        this.tenantLabel = tenantLabel;
        this.startNanos = startNanos;
        this.bytesCounter = bytesCounter;
    }

    void add(long n) {
        if (n > 0) {
            bytes.addAndGet(n);
            bytesCounter.increment(n);
        }
    }

    /** Who, what and when; the byte count in it is 0 (see {@link #snapshot()}). */
    TransferSnapshot identity() {
        return identity;
    }

    String id() {
        return identity.transferId();
    }

    String protocol() {
        return identity.protocol();
    }

    String direction() {
        return identity.direction();
    }

    String tenantLabel() {
        return tenantLabel;
    }

    long startNanos() {
        return startNanos;
    }

    TransferSnapshot snapshot() {
        TransferSnapshot i = identity;
        return new TransferSnapshot(i.transferId(), i.tenant(), i.principal(), i.protocol(), i.direction(),
                i.path(), i.startedAt(), i.offset(), bytes.get(), i.size());
    }
}
