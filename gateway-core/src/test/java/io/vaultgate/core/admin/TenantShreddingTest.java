package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditPublicKey;
import io.vaultgate.core.audit.AuditVerifier;
import io.vaultgate.core.audit.ShreddingRecords;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.ingest.KeySlots;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeySlot;
import io.vaultgate.crypto.shred.SignedShreddingRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offboarding a tenant by crypto-shredding it, on the catalog the build selects (SQLite or PostgreSQL). */
class TenantShreddingTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final String SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";

    @TempDir
    Path home;

    @Test
    void shred_leavesTheTenantsFilesUnreadableAndGone_refusesLoginsAndUnlock_andTheAuditChainVerifies() throws Exception {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal acme = test.client("acme", "acme-up", Protocol.SFTP);
            ClientPrincipal globex = test.client("globex", "globex-up", Protocol.SFTP);
            String token = test.core().administration().issueAccountToken("acme-up", "test");
            test.core().administration().addSshKey("acme-up", SSH_KEY);
            test.core().sites().createSite("manila", "Manila processing");
            test.core().sites().addRoute(ACME, "manila", RouteMode.PUSH, PathPolicy.parse("/inbox"), 0, 0,
                    Duration.ZERO);
            for (String name : List.of("a.csv", "b.csv", "c.csv")) {
                upload(test, acme, "/inbox/" + name);
            }
            test.core().files().createDirectory(acme, PathPolicy.parse("/inbox/sub"));
            upload(test, globex, "/inbox/theirs.csv");
            String fileId = fileIds(test.database(), "acme").get(0);
            KeySlot slot = new KeySlots().fromStored(test.database().read(jdbc -> new FileRepository()
                    .keySlot(jdbc, fileId)).orElseThrow());
            List<ObjectId> objects = objectIds(test.database(), "acme");
            assertThat(test.database().<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE "
                    + "tenant_id = 'acme'"))).as("forwards waiting for the site").isEqualTo(3);
            List<String> endedSessions = new ArrayList<>();
            test.core().incidents().sessions().register(acme, "key:test", Protocol.SFTP, "127.0.0.1",
                    endedSessions::add);

            TenantShredding.Result result = test.core().tenantShredding().shred(ACME, "contract ended", "cli:test");

            AuditPublicKey published = AuditKeys.readPublicKey(AuditKeys.publicKeyFile(home.resolve(
                    "audit-signing.key")));
            SignedShreddingRecord record = SignedShreddingRecord.parse(result.record().toText());
            assertThat(ShreddingRecords.verify(record, published)).isTrue();
            assertThat(record.record().tenantId()).isEqualTo("acme");
            assertThat(record.record().keyIds()).containsExactly("acme/v1");
            assertThat(result.sessionsEnded()).isEqualTo(1);
            assertThat(endedSessions).hasSize(1);
            assertThat(result.filesForgotten()).isEqualTo(3);

            assertThatThrownBy(() -> test.keys().unwrap(new EnvelopeContext("acme", fileId), slot))
                    .as("a copy of a key slot no longer unwraps").isInstanceOf(CryptoException.KeyDestroyed.class);
            Database db = test.database();
            assertThat(fileIds(db, "acme")).isEmpty();
            assertThat(db.<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM key_slots WHERE kek_tenant = 'acme'"))).isZero();
            assertThat(db.<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM directories WHERE tenant_id = 'acme'"))).isZero();
            assertThat(db.<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM forward_jobs WHERE tenant_id = 'acme'")))
                    .isZero();
            assertThat(db.<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM account_ssh_keys"))).isZero();
            assertThat(db.<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM api_tokens WHERE principal_kind = 'account' "
                    + "AND principal_id = ?", acme.accountId()))).isZero();
            assertThat(db.<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM accounts WHERE tenant_id = 'acme'")))
                    .as("account rows stay, for history").isEqualTo(1);
            for (ObjectId object : objects) {
                assertThatThrownBy(() -> test.store().open(ACME, object).close()).isInstanceOf(IOException.class);
            }
            assertThatThrownBy(() -> test.core().files().open(acme, PathPolicy.parse("/inbox/a.csv")))
                    .isInstanceOf(GatewayException.class);
            try (FileContent theirs = test.core().files().open(globex, PathPolicy.parse("/inbox/theirs.csv"))) {
                assertThat(theirs.size()).as("other tenants are untouched").isEqualTo(4000);
            }

            assertThat(test.core().administration().tenant(ACME).orElseThrow().status()).isEqualTo(TenantStatus.SHREDDED);
            assertThat(test.core().authenticator().byToken(token, Protocol.HTTPS, "127.0.0.1"))
                    .isInstanceOf(AuthResult.Failure.class);
            assertThatThrownBy(() -> test.core().ingest().open(acme, PathPolicy.parse("/inbox/new.csv"),
                    UploadMode.CREATE)).isInstanceOf(GatewayException.class);
            assertThatThrownBy(() -> test.core().incidents().lockdown().unlock(ACME, "oops", "cli:test"))
                    .isInstanceOf(GatewayException.class).hasMessageContaining("was shredded");
            assertThatThrownBy(() -> test.core().incidents().lockdown().lockdown(ACME, "again", "cli:test"))
                    .isInstanceOf(GatewayException.class).hasMessageContaining("was shredded");
            assertThatThrownBy(() -> test.core().administration().setQuota(ACME, new Quota(1, 1)))
                    .isInstanceOf(GatewayException.class).hasMessageContaining("was shredded");
            assertThat(test.core().administration().tenant(ACME).orElseThrow().status()).isEqualTo(TenantStatus.SHREDDED);

            assertThat(new AuditVerifier(db, Optional.of(published), java.time.Clock.systemUTC()).verify().ok()).isTrue();
            assertThat(db.<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE tenant_id = 'acme' "
                    + "AND kind = 'key.operation' AND event LIKE ?", "%SHRED%" + result.digest() + "%"))).isEqualTo(1);
            assertThat(db.<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE tenant_id = 'acme' "
                    + "AND kind = 'admin.change' AND event LIKE '%TENANT_SHREDDED%'"))).isEqualTo(1);
        }
    }

    @Test
    void aShredCutOffAfterItsKeysWereDestroyed_isCompletedByRunningItAgain() throws Exception {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal acme = test.client("acme", "acme-up", Protocol.SFTP);
            upload(test, acme, "/inbox/a.csv");
            upload(test, acme, "/inbox/b.csv");
            TenantShredding shredding = test.core().tenantShredding();
            shredding.markShredded(ACME, "contract ended", "cli:test");
            shredding.destroyKeys(ACME, "cli:test"); // the process dies here
            assertThat(fileIds(test.database(), "acme")).as("cut off before the catalog forgot").hasSize(2);

            TenantShredding.Result again = shredding.shred(ACME, "contract ended", "cli:test");

            assertThat(again.record().record().keyIds()).as("the keys went in the first run").isEmpty();
            assertThat(again.filesForgotten()).isEqualTo(2);
            assertThat(fileIds(test.database(), "acme")).isEmpty();
            assertThat(test.keys().versions("acme")).isEmpty();
            AuditPublicKey published = AuditKeys.readPublicKey(AuditKeys.publicKeyFile(home.resolve(
                    "audit-signing.key")));
            assertThat(ShreddingRecords.verify(again.record(), published)).isTrue();
            assertThat(new AuditVerifier(test.database(), Optional.of(published), java.time.Clock.systemUTC())
                    .verify().ok()).isTrue();
            assertThat(test.database().<Long>read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE kind = "
                    + "'admin.change' AND event LIKE '%TENANT_SHREDDED%'"))).as("marked once").isEqualTo(1);
        }
    }

    @Test
    void aShredCutOffBeforeItsKeysWereDestroyed_destroysThemWhenRunAgain() {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal acme = test.client("acme", "acme-up", Protocol.SFTP);
            upload(test, acme, "/inbox/a.csv");
            test.core().tenantShredding().markShredded(ACME, "contract ended", "cli:test"); // the process dies here

            TenantShredding.Result again = test.core().tenantShredding().shred(ACME, "contract ended", "cli:test");

            assertThat(again.record().record().keyIds()).containsExactly("acme/v1");
            assertThat(fileIds(test.database(), "acme")).isEmpty();
        }
    }

    @Test
    void shredWithoutAReason_orOfAnUnknownTenant_changesNothing() {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal acme = test.client("acme", "acme-up", Protocol.SFTP);
            upload(test, acme, "/inbox/a.csv");

            assertThatThrownBy(() -> test.core().tenantShredding().shred(ACME, " ", "cli:test"))
                    .isInstanceOf(GatewayException.class).hasMessageContaining("reason");
            assertThatThrownBy(() -> test.core().tenantShredding().shred(TenantId.of("nobody"), "x", "cli:test"))
                    .isInstanceOf(GatewayException.class).hasMessageContaining("does not exist");

            assertThat(test.core().administration().tenant(ACME).orElseThrow().status()).isEqualTo(TenantStatus.ACTIVE);
            assertThat(test.keys().versions("acme")).containsExactly(1);
            assertThat(fileIds(test.database(), "acme")).hasSize(1);
        }
    }

    @Test
    void aShreddedTenantsKeys_cannotBeRotatedOrDisabled_withAClearConflict() {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal acme = test.client("acme", "acme-up", Protocol.SFTP);
            upload(test, acme, "/inbox/a.csv");
            test.core().tenantShredding().shred(ACME, "contract ended", "cli:test");

            for (org.assertj.core.api.ThrowableAssert.ThrowingCallable change : java.util.List.<
                    org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                    () -> test.core().keyRotation().rotate(ACME, true),
                    () -> test.core().keyRotation().emergencyRotate(ACME, io.vaultgate.core.report.WorkProgress.NONE),
                    () -> test.core().keyRotation().disable(ACME, 1))) {
                assertThatThrownBy(change).isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(GatewayException.Reason.CONFLICT);
                    assertThat(e.getMessage()).contains("was shredded");
                });
            }
        }
    }

    private static void upload(TestCore test, ClientPrincipal client, String path) {
        try (Upload upload = test.core().ingest().open(client, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap("data".repeat(1000).getBytes()));
            upload.commit();
        }
    }

    private static List<String> fileIds(Database db, String tenant) {
        return db.read(jdbc -> jdbc.query("SELECT id FROM files WHERE tenant_id = ? ORDER BY id",
                row -> row.getString(1), tenant));
    }

    private static List<ObjectId> objectIds(Database db, String tenant) {
        return db.read(jdbc -> jdbc.query("SELECT object_id FROM files WHERE tenant_id = ?",
                row -> new ObjectId(row.getString(1)), tenant));
    }
}
