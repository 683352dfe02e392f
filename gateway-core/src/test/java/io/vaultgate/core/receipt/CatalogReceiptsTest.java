package io.vaultgate.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCatalog;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogReceiptsTest {

    private static final Receipt RECEIPT = new Receipt("f_1", TenantId.of("acme"), "/inbox/a.csv", 3, "ab".repeat(32),
            Instant.parse("2026-11-28T10:00:00.5Z"));

    @TempDir
    Path dir;

    @Test
    void issuedReceipt_isStoredWithTheCommit_andFoundOnlyByItsTenant() {
        Database database = TestCatalog.open(dir);
        AuditSigningKey key = AuditSigningKey.generate(new SecureRandom());
        CatalogReceipts receipts = new CatalogReceipts(database, new ReceiptSigner(key));
        SignedReceipt issued = database.inTransaction(jdbc -> receipts.issue(jdbc, RECEIPT));

        assertThat(receipts.find(TenantId.of("acme"), "f_1")).contains(issued);
        assertThat(receipts.find(TenantId.of("globex"), "f_1")).isEmpty();
        assertThat(new ReceiptVerifier(key.publicKey()).verify(issued.toText())).isEqualTo(RECEIPT);
    }

    @Test
    void aRolledBackCommit_leavesNoReceipt() {
        Database database = TestCatalog.open(dir);
        CatalogReceipts receipts = new CatalogReceipts(database, new ReceiptSigner(AuditSigningKey.generate(new SecureRandom())));
        assertThatThrownBy(() -> database.inTransaction(jdbc -> {
            receipts.issue(jdbc, RECEIPT);
            throw new IllegalStateException("commit failed");
        })).hasMessageContaining("commit failed");
        assertThat(receipts.find(TenantId.of("acme"), "f_1")).isEmpty();
    }

    @Test
    void rememberedReceipt_isFoundWithoutACatalogRead_andStillOnlyByItsTenant() {
        Database database = TestCatalog.open(dir);
        CatalogReceipts receipts = new CatalogReceipts(database, new ReceiptSigner(AuditSigningKey.generate(new SecureRandom())));
        SignedReceipt issued = database.inTransaction(jdbc -> receipts.issue(jdbc, RECEIPT));
        receipts.remember(issued);
        database.inTransaction(jdbc -> jdbc.update("DELETE FROM receipts"));

        assertThat(receipts.find(TenantId.of("acme"), "f_1")).as("from memory").contains(issued);
        assertThat(receipts.find(TenantId.of("globex"), "f_1")).isEmpty();
    }
}
