package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.crypto.CryptoException;

/**
 * The answer to a write that arrived ahead of a gap when the memory for such writes was spent: the process's
 * ({@code uploads.reorder-memory}) or the uploading tenant's share of it ({@code uploads.reorder-memory-per-tenant}).
 * Either way the client is told to send its writes in order; which bound it met is in the message, so that a tenant
 * refused its share knows that it is its own uploads that hold it.
 */
final class ReorderRefusal {
    private ReorderRefusal() {
    }

    static GatewayException of(String path, long offset, CryptoException.ReorderMemoryFull full) {
        String held = switch (full.bound()) {
            case TENANT -> "this tenant's share of the gateway's memory for such writes "
                    + "(uploads.reorder-memory-per-tenant) is in use";
            case PROCESS -> "the gateway's memory for such writes (uploads.reorder-memory) is in use";
        };
        return new GatewayException(Reason.UNAVAILABLE, path + ": write at offset " + offset
                + " arrived ahead of a gap while " + held + "; send the writes in order, or try again later",
                full.getMessage(), full);
    }
}
