package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.AuditVerifier;
import io.vaultgate.core.audit.VerificationReport;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.receipt.ReceiptVerifier;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data path leaves one audit event per decision, in a chain that verifies, and a receipt per commit. */
class AuditTrailTest {

    @TempDir
    Path home;

    @Test
    void everyDecision_isOneEventInAVerifiableChain_andCommitsGetSignedReceipts() throws Exception {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
            assertThat(test.core().authenticator().byPublicKey("alice", "SHA256:nope", Protocol.SFTP, "127.0.0.1"))
                    .isInstanceOf(AuthResult.Failure.class);
            Receipt receipt;
            try (Upload upload = test.core().ingest().open(alice, PathPolicy.parse("/inbox/a.csv"), UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
                receipt = upload.commit();
            }
            try (Upload upload = test.core().ingest().open(alice, PathPolicy.parse("/inbox/b.csv"), UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap(new byte[] {4}));
                upload.abort();
            }
            try (FileContent content = test.core().files().open(alice, PathPolicy.parse("/inbox/a.csv"))) {
                content.read(0, ByteBuffer.allocate(10));
            }
            test.core().files().rename(alice, PathPolicy.parse("/inbox/a.csv"), PathPolicy.parse("/inbox/c.csv"));
            test.core().files().delete(alice, PathPolicy.parse("/inbox/c.csv"));
            test.core().audit().checkpointNow();

            Database catalog = test.database();
            List<String> kinds = catalog.read(jdbc -> jdbc.query("SELECT kind FROM audit_events ORDER BY seq",
                    row -> row.getString(1)));
            assertThat(kinds).containsSubsequence("admin.change", "auth.failed", "upload.committed", "upload.aborted",
                    "file.download_started", "file.downloaded", "file.renamed", "file.deleted");
            VerificationReport report = new AuditVerifier(catalog, Optional.of(test.core().audit().publicKey()),
                    java.time.Clock.systemUTC()).verify();
            assertThat(report.ok()).as(report.summary()).isTrue();

            String signed = test.core().receipts().find(alice.tenant(), receipt.fileId()).orElseThrow().toText();
            assertThat(new ReceiptVerifier(test.core().audit().publicKey()).verify(signed)).isEqualTo(receipt);
        }
    }
}
