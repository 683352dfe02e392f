package io.vaultgate.https;

import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.batch.BatchService;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.forward.FileForwardingState;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.core.receipt.CatalogReceipts;
import io.vaultgate.https.admin.AdminServices;
import io.vaultgate.https.metrics.HttpsConnections;
import java.util.Objects;
import java.util.Optional;

/**
 * The core services the HTTPS listener calls, gathered so the composition root passes them in one place:
 * {@code new HttpsServices(core.authenticator(), core.files(), core.ingest(), core.batches(), core.receipts())},
 * plus {@link #withAdmin} for the administrators' API (without it, {@code /v1/admin} answers 404) and
 * {@link #withMeters} for the connection meters (without them, nothing is counted) and {@link #withForwarding}
 * for the clients' view of forwarding (without it, {@code /v1/forwarding} answers 404). The defender that refuses
 * banned addresses before their TLS handshake is the authenticator's {@link Authenticator#access()}.
 */
public record HttpsServices(Authenticator authenticator, FileService files, IngestService ingest,
                            BatchService batches, CatalogReceipts receipts, Optional<AdminServices> admin,
                            HttpsConnections meters, Optional<FileForwardingState> forwarding) {

    public HttpsServices(Authenticator authenticator, FileService files, IngestService ingest, BatchService batches,
                         CatalogReceipts receipts) {
        this(authenticator, files, ingest, batches, receipts, Optional.empty(), HttpsConnections.none(),
                Optional.empty());
    }

    public HttpsServices {
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(receipts, "receipts");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(forwarding, "forwarding");
    }

    /** These services with the administrators' API at {@code /v1/admin}. */
    public HttpsServices withAdmin(AdminServices services) {
        return new HttpsServices(authenticator, files, ingest, batches, receipts, Optional.of(services), meters,
                forwarding);
    }

    /** These services counting connections with {@code connections}, e.g. {@link HttpsConnections#registeredIn}. */
    public HttpsServices withMeters(HttpsConnections connections) {
        return new HttpsServices(authenticator, files, ingest, batches, receipts, admin, connections, forwarding);
    }

    /** These services with {@code GET /v1/forwarding/{path}}, a client's view of where its file went. */
    public HttpsServices withForwarding(FileForwardingState state) {
        return new HttpsServices(authenticator, files, ingest, batches, receipts, admin, meters, Optional.of(state));
    }
}
