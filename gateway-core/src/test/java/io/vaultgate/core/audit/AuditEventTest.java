package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditEvent.KeyAction;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.CatalogIndependent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@CatalogIndependent
class AuditEventTest {

    static final Instant AT = Instant.parse("2026-11-28T10:15:30.123456789Z");
    static final Optional<TenantId> ACME = Optional.of(TenantId.of("acme"));

    /** One event of every kind, for tests that must cover them all. */
    static List<AuditEvent> oneOfEach() {
        return List.of(
                new AuditEvent.AuthSucceeded(AT, ACME, "alice", Protocol.SFTP, "publickey", "203.0.113.5"),
                new AuditEvent.AuthFailed(AT, Optional.empty(), "mallory", Protocol.HTTPS, "198.51.100.7",
                        AuthFailure.BAD_CREDENTIAL),
                new AuditEvent.UploadCommitted(AT, ACME, "alice", "f_1", "/inbox/a.csv", 42, "ab".repeat(32)),
                new AuditEvent.UploadAborted(AT, ACME, "alice", "f_2", "/inbox/b.csv", "quota exceeded"),
                new AuditEvent.UploadSuspended(AT, ACME, "alice", "f_3", "/inbox/c.csv", 65536),
                new AuditEvent.DownloadStarted(AT, ACME, "op1", "f_1", "/inbox/a.csv", 0),
                new AuditEvent.Downloaded(AT, ACME, "op1", "f_1", "/inbox/a.csv", 42),
                new AuditEvent.Deleted(AT, ACME, "alice", "f_1", "/inbox/a.csv"),
                new AuditEvent.Renamed(AT, ACME, "alice", "f_4", "/inbox/x", "/inbox/y"),
                new AuditEvent.BatchClaimed(AT, ACME, "op1", "b_1", "manila"),
                new AuditEvent.BatchCompleted(AT, ACME, "op1", "b_1", "manila"),
                new AuditEvent.BatchClosed(AT, ACME, AuditEvents.SYSTEM, "b_2", "manila", 3, "idle for PT15M"),
                new AuditEvent.BatchReleased(AT, ACME, AuditEvents.SYSTEM, "b_3", "manila", "op_1", "lease expired"),
                new AuditEvent.BatchAccessEnded(AT, ACME, "op1", "b_1", "f_1", "/inbox/a.csv", "the batch was completed"),
                new AuditEvent.BatchAbandoned(AT, ACME, "root", "b_4", "manila", "READY", 2, "site removed"),
                new AuditEvent.BatchEmptied(AT, ACME, "alice", "b_5", "manila", "no files left"),
                new AuditEvent.ForwardAbandoned(AT, ACME, "root", "fw_1", "f_5", "manila", "DEAD", "site removed"),
                new AuditEvent.Forwarded(AT, ACME, AuditEvents.SYSTEM, "f_1", "manila", "ab".repeat(32),
                        Optional.of("cd".repeat(32))),
                new AuditEvent.KeyOperation(AT, ACME, "root", KeyAction.ROTATE, "kek acme", "version 2 -> 3"),
                new AuditEvent.AdminChange(AT, Optional.empty(), "root", AdminAction.TENANT_CREATED, "acme"),
                new AuditEvent.SessionEnded(AT, ACME, "alice", Protocol.SFTP, "203.0.113.5", "account expired"),
                new AuditEvent.AuthUndelivered(AT, ACME, "alice", Protocol.SFTP, "totp", "203.0.113.5"));
    }

    @Test
    void uploadCommitted_hasAStableCanonicalForm() {
        AuditEvent event = new AuditEvent.UploadCommitted(AT, ACME, "alice", "f_1", "/inbox/a.csv", 42, "ab".repeat(32));
        assertThat(new String(event.canonicalBytes(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"actor\":\"alice\",\"at\":\"2026-11-28T10:15:30.123Z\",\"file\":\"f_1\",\"kind\":\"upload.committed\","
                        + "\"path\":\"/inbox/a.csv\",\"sha256\":\"" + "ab".repeat(32) + "\",\"size\":42,\"tenant\":\"acme\"}");
    }

    @Test
    void forwarded_recordsTheSiteCertificateOfThatDelivery_whenKnown() {
        AuditEvent withCertificate = new AuditEvent.Forwarded(AT, ACME, AuditEvents.SYSTEM, "f_1", "manila",
                "ab".repeat(32), Optional.of("cd".repeat(32)));
        AuditEvent without = new AuditEvent.Forwarded(AT, ACME, AuditEvents.SYSTEM, "f_1", "manila", "ab".repeat(32),
                Optional.empty());

        assertThat(new String(withCertificate.canonicalBytes(), StandardCharsets.UTF_8))
                .contains("\"site_certificate_sha256\":\"" + "cd".repeat(32) + "\"");
        assertThat(new String(without.canonicalBytes(), StandardCharsets.UTF_8)).doesNotContain("site_certificate");
    }

    @Test
    void gatewayWideEvents_haveANullTenant() {
        AuditEvent event = new AuditEvent.AuthFailed(AT, Optional.empty(), "mallory", Protocol.HTTPS,
                "198.51.100.7", AuthFailure.UNKNOWN_USER);
        assertThat(new String(event.canonicalBytes(), StandardCharsets.UTF_8)).contains("\"tenant\":null")
                .contains("\"reason\":\"UNKNOWN_USER\"");
    }

    @Test
    void time_isKeptToTheMillisecond() {
        assertThat(oneOfEach()).allSatisfy(event -> assertThat(event.at()).isEqualTo("2026-11-28T10:15:30.123Z"));
    }

    @Test
    void everyKind_hasItsOwnName_andEveryPermittedTypeIsCovered() {
        assertThat(oneOfEach()).extracting(AuditEvent::kind).doesNotHaveDuplicates();
        assertThat(oneOfEach()).extracting(Object::getClass).map(Class::getSimpleName).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(AuditEvent.class.getPermittedSubclasses()).map(Class::getSimpleName).toList());
    }

    @Test
    void tenantEvents_refuseAMissingTenant_andEveryEventNeedsAnActor() {
        assertThatThrownBy(() -> new AuditEvent.Deleted(AT, Optional.empty(), "alice", "f_1", "/inbox/a"))
                .hasMessageContaining("belongs to a tenant");
        assertThatThrownBy(() -> new AuditEvent.Deleted(AT, ACME, " ", "f_1", "/inbox/a"))
                .hasMessageContaining("actor");
        assertThatThrownBy(() -> new AuditEvent.Deleted(AT, ACME, "alice", null, "/inbox/a"))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void factories_takeTenantAndActorFromThePrincipalAndReceipt() {
        ClientPrincipal alice = new ClientPrincipal("a_1", "alice", TenantId.of("acme"), Protocol.SFTP);
        Receipt receipt = new Receipt("f_9", TenantId.of("acme"), "/inbox/z", 7, "cd".repeat(32), AT);
        AuditEvent.UploadCommitted committed = AuditEvents.committed(alice, receipt);
        assertThat(committed.tenant()).isEqualTo(ACME);
        assertThat(committed.actor()).isEqualTo("alice");
        assertThat(committed.size()).isEqualTo(7);
        assertThat(AuditEvents.authenticated(alice, Protocol.SFTP, "password", "192.0.2.1", AT).tenant()).isEqualTo(ACME);
        assertThat(AuditEvents.authenticationFailed("", Protocol.HTTPS, "192.0.2.1", AuthFailure.UNKNOWN_USER, AT)
                .actor()).isEqualTo("(none)");
    }
}
