package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A committed file whose stored object or key slot cannot be read is the gateway's fault, not the client's: the
 * failure is {@code INTERNAL} (HTTPS 500, logged with its cause), never {@code INTEGRITY}, which tells a client
 * that what it sent did not match its digest (HTTPS 400). The client's message names its own path only: no
 * file id, object id, tenant or path on disk; those are in the log detail. A catalog row whose size differs from
 * the stored plaintext's is read as nothing rather than with a size the client was told wrongly.
 */
class StoredFileAccessTest {

    private static final String PATH = "/inbox/a.bin";

    @TempDir
    Path home;

    @Test
    void aStoredObjectThatIsGone_isAnInternalFailure_thatNamesNoInternals() throws Exception {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal alice = committed(test);
            test.store().delete(TenantId.of("acme"), new ObjectId(objectId(test)));

            assertInternal(test, alice);
        }
    }

    @Test
    void aTamperedStoredObject_isAnInternalFailure_thatNamesNoInternals() throws Exception {
        Assumptions.assumeFalse(TestStore.s3(), "alters the object file on disk");
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal alice = committed(test);
            Path object = home.resolve("objects").resolve("acme").resolve(objectId(test));
            try (FileChannel channel = FileChannel.open(object, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {0x55, 0x55, 0x55, 0x55}), channel.size() - 4);
            }

            assertInternal(test, alice);
        }
    }

    @Test
    void aMissingKeySlot_isAnInternalFailure_thatNamesNoInternals() {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal alice = committed(test);
            test.database().inTransaction(jdbc -> jdbc.update("DELETE FROM key_slots"));

            assertInternal(test, alice);
        }
    }

    @Test
    void aCatalogSizeThatDiffersFromTheStoredPlaintext_isAnInternalFailure() {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal alice = committed(test);
            test.database().inTransaction(jdbc -> jdbc.update("UPDATE files SET size = size + 1"));

            assertInternal(test, alice);
        }
    }

    private void assertInternal(TestCore test, ClientPrincipal alice) {
        String fileId = fileId(test);
        String objectId = objectId(test);
        assertThatThrownBy(() -> test.core().files().open(alice, PathPolicy.parse(PATH)).close())
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INTERNAL);
                    assertThat(e.clientMessage()).startsWith(PATH + ": ")
                            .doesNotContain(fileId).doesNotContain(objectId).doesNotContain("acme")
                            .doesNotContain(home.toString());
                    assertThat(e.getMessage()).as("the log detail names the file").contains(fileId);
                });
    }

    private static ClientPrincipal committed(TestCore test) {
        ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
        try (Upload upload = test.core().ingest().open(alice, PathPolicy.parse(PATH), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[100_000]));
            upload.commit();
        }
        return alice;
    }

    private static String fileId(TestCore test) {
        return test.database().read(jdbc -> jdbc.query("SELECT id FROM files", row -> row.getString(1))).get(0);
    }

    private static String objectId(TestCore test) {
        return test.database().read(jdbc -> jdbc.query("SELECT object_id FROM files", row -> row.getString(1)))
                .get(0).strip();
    }
}
