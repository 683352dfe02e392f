package io.vaultgate.core.receipt;

import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.ingest.Receipt;
import java.time.temporal.ChronoUnit;

/** Signs the receipts of committed uploads with the gateway's Ed25519 audit key. */
public final class ReceiptSigner {

    private final AuditSigningKey key;

    public ReceiptSigner(AuditSigningKey key) {
        this.key = key;
    }

    /** {@link AuditSigningKey#derivedSecret}: a secret of another purpose, the same on every node. */
    public byte[] derivedSecret(String purpose) {
        return key.derivedSecret(purpose);
    }

    /** Signs {@code receipt}; the time is kept to the millisecond, as in the catalog and the audit log. */
    public SignedReceipt sign(Receipt receipt) {
        Receipt exact = new Receipt(receipt.fileId(), receipt.tenant(), receipt.path(), receipt.size(), receipt.sha256(),
                receipt.committedAt().truncatedTo(ChronoUnit.MILLIS));
        byte[] payload = SignedReceipt.payloadOf(exact, key.keyId());
        return new SignedReceipt(exact, key.keyId(), payload, key.sign(payload));
    }
}
