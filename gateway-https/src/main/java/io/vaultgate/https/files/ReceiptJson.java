package io.vaultgate.https.files;

import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.https.http.Json;

/** The JSON body acknowledging a committed upload. */
public final class ReceiptJson {

    private ReceiptJson() {
    }

    public static byte[] of(Receipt receipt) {
        return Json.object(json -> {
            json.writeStringField("fileId", receipt.fileId());
            json.writeStringField("tenant", receipt.tenant().value());
            json.writeStringField("path", receipt.path());
            json.writeNumberField("size", receipt.size());
            json.writeStringField("sha256", receipt.sha256());
            json.writeStringField("committedAt", receipt.committedAt().toString());
        });
    }
}
