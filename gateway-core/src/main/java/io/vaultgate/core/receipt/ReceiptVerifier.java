package io.vaultgate.core.receipt;

import io.vaultgate.core.audit.AuditPublicKey;
import io.vaultgate.core.ingest.Receipt;

/**
 * Checks a receipt offline with the gateway's published audit public key. Anything changed in it, a
 * signature by another key, or a malformed text is an {@link InvalidReceiptException} saying which.
 */
public final class ReceiptVerifier {

    private final AuditPublicKey key;

    public ReceiptVerifier(AuditPublicKey key) {
        this.key = key;
    }

    /** The receipt that {@code text} proves the gateway issued. */
    public Receipt verify(String text) {
        SignedReceipt signed = SignedReceipt.parse(text);
        if (!signed.keyId().equals(key.keyId())) {
            throw new InvalidReceiptException("the receipt names key " + signed.keyId() + ", not the given key "
                    + key.keyId() + ": it was signed by another key");
        }
        if (!key.verify(signed.payload(), signed.signature())) {
            throw new InvalidReceiptException("the signature does not match the receipt: it was altered or forged");
        }
        return signed.receipt();
    }
}
