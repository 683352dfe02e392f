package io.vaultgate.https.files;

import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.https.http.Json;
import java.util.Optional;

/**
 * The JSON body acknowledging a committed upload; {@code signedReceipt} is the core's Ed25519-signed
 * receipt, which a client can keep and verify offline with the gateway's published audit key.
 */
public final class ReceiptJson {

    /** The response header that carries the signed receipt where there is no JSON body (tus). */
    public static final String HEADER = "Vaultgate-Receipt";

    private ReceiptJson() {
    }

    public static byte[] of(Receipt receipt, Optional<String> signed) {
        return Json.object(json -> {
            json.writeStringField("fileId", receipt.fileId());
            json.writeStringField("tenant", receipt.tenant().value());
            json.writeStringField("path", receipt.path());
            json.writeNumberField("size", receipt.size());
            json.writeStringField("sha256", receipt.sha256());
            json.writeStringField("committedAt", receipt.committedAt().toString());
            if (signed.isPresent()) {
                json.writeStringField("signedReceipt", signed.get());
            }
        });
    }
}
