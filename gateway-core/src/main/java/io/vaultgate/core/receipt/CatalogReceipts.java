package io.vaultgate.core.receipt;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Issues the signed receipts of committed uploads and keeps them in the catalog's {@code receipts} table,
 * so a client can fetch one again (and a receipt outlives its file: it is the proof of the upload).
 */
public final class CatalogReceipts {

    /** How many receipts of recent commits are kept in memory, so answering an upload reads none back. */
    private static final int RECENT = 256;

    private final Database database;
    private final ReceiptSigner signer;
    private final Map<String, SignedReceipt> recent = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SignedReceipt> eldest) {
            return size() > RECENT;
        }
    });

    public CatalogReceipts(Database database, ReceiptSigner signer) {
        this.database = database;
        this.signer = signer;
    }

    /**
     * Signs and stores the receipt in the caller's transaction: call it in the transaction that commits the
     * file, so that a committed file always has its receipt.
     */
    public SignedReceipt issue(Jdbc jdbc, Receipt receipt) throws SQLException {
        SignedReceipt signed = signer.sign(receipt);
        jdbc.update("INSERT INTO receipts (file_id, tenant_id, receipt, issued_at) VALUES (?, ?, ?, ?)",
                receipt.fileId(), receipt.tenant().value(), signed.toText(), receipt.committedAt().toEpochMilli());
        return signed;
    }

    /**
     * Keeps a receipt that {@link #issue} signed, once the transaction that stored it has committed (receipts are
     * never changed or deleted), so that {@link #find} answers the upload's response without a catalog read.
     */
    public void remember(SignedReceipt signed) {
        recent.put(signed.receipt().fileId(), signed);
    }

    /**
     * A 32-byte secret for {@code purpose} (a versioned label) derived from the key that signs the receipts, the
     * same on every node and after a restart: how a listener authenticates state it hands to its clients (the
     * tus upload URLs) without a secret of its own. The caller wipes it.
     */
    public byte[] derivedSecret(String purpose) {
        return signer.derivedSecret(purpose);
    }

    /** The receipt of {@code fileId}, only if it belongs to {@code tenant}. */
    public Optional<SignedReceipt> find(TenantId tenant, String fileId) {
        SignedReceipt known = recent.get(fileId);
        if (known != null) {
            return Optional.of(known).filter(r -> r.receipt().tenant().equals(tenant));
        }
        return database.read(jdbc -> jdbc.queryOne("SELECT receipt FROM receipts WHERE file_id = ? AND tenant_id = ?",
                row -> SignedReceipt.parse(row.getString(1)), fileId, tenant.value()));
    }
}
