package io.vaultgate.https.files;

import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.receipt.CatalogReceipts;
import io.vaultgate.core.receipt.SignedReceipt;
import java.util.Optional;

/** Finds the signed text ({@code vgr1....}) of a committed upload's receipt, to hand to the client. */
@FunctionalInterface
public interface SignedReceipts {

    /** For a listener without receipt signing: responses carry the plain receipt only. */
    SignedReceipts NONE = receipt -> Optional.empty();

    Optional<String> signedText(Receipt receipt);

    static SignedReceipts from(CatalogReceipts receipts) {
        return receipt -> receipts.find(receipt.tenant(), receipt.fileId()).map(SignedReceipt::toText);
    }
}
