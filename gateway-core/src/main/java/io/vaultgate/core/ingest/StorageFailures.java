package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import java.io.IOException;

/** Turns store I/O failures into client-safe errors; a full disk is told apart from other failures. */
final class StorageFailures {

    private StorageFailures() {
    }

    static GatewayException of(String path, IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
            return new GatewayException(Reason.STORAGE_FULL, path + ": the gateway's storage is full",
                    "storage full while writing " + path, e);
        }
        return new GatewayException(Reason.INTERNAL, "internal error", "storage failed while writing " + path, e);
    }
}
