package io.vaultgate.https;

import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.batch.BatchService;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.core.receipt.CatalogReceipts;
import java.util.Objects;

/**
 * The core services the HTTPS listener calls, gathered so the composition root passes them in one place:
 * {@code new HttpsServices(core.authenticator(), core.files(), core.ingest(), core.batches(), core.receipts())}.
 */
public record HttpsServices(Authenticator authenticator, FileService files, IngestService ingest,
                            BatchService batches, CatalogReceipts receipts) {

    public HttpsServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(receipts, "receipts");
    }
}
