package io.vaultgate.https;

import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.batch.BatchService;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.core.receipt.CatalogReceipts;
import io.vaultgate.https.admin.AdminServices;
import java.util.Objects;
import java.util.Optional;

/**
 * The core services the HTTPS listener calls, gathered so the composition root passes them in one place:
 * {@code new HttpsServices(core.authenticator(), core.files(), core.ingest(), core.batches(), core.receipts())},
 * plus {@link #withAdmin} for the administrators' API (without it, {@code /v1/admin} answers 404).
 */
public record HttpsServices(Authenticator authenticator, FileService files, IngestService ingest,
                            BatchService batches, CatalogReceipts receipts, Optional<AdminServices> admin) {

    public HttpsServices(Authenticator authenticator, FileService files, IngestService ingest, BatchService batches,
                         CatalogReceipts receipts) {
        this(authenticator, files, ingest, batches, receipts, Optional.empty());
    }

    public HttpsServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(receipts, "receipts");
        Objects.requireNonNull(admin, "admin");
    }

    /** These services with the administrators' API at {@code /v1/admin}. */
    public HttpsServices withAdmin(AdminServices services) {
        return new HttpsServices(authenticator, files, ingest, batches, receipts, Optional.of(services));
    }
}
