package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.admin.SiteRemoval.RemovedSite;
import io.vaultgate.core.admin.SiteRemoval.UnfinishedWork;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.RecordingAuditLog;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the removals reach the audit log: their collected events in one batch, after every row change, the removal's
 * own event last (a site's forwards before it, a page per transaction, each page's events in one batch: see
 * {@code SiteAbandonPagingTest}). The chain's head is then read and moved once per batch, not twice per abandoned
 * job: one-by-one appends of 20 000 abandoned jobs held the head, and with it every upload commit, for minutes on
 * PostgreSQL.
 */
class OffboardingAuditTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal client;
    private RecordingAuditLog recording;
    private Offboarding offboarding;
    private SiteRemoval removal;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        test.operator("manila", "maria", Protocol.SFTP);
        recording = new RecordingAuditLog(test.core().audit());
        offboarding = new Offboarding(test.database(), new OperatorRepository(), new BatchRepository(),
                test.core().incidents().revocation(), test.core().incidents().mfa(), recording, Clock.systemUTC());
        removal = new SiteRemoval(test.database(), offboarding, new BatchRepository(), new RouteRepository(),
                test.core().forwarding().outbox(), recording, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void anOperatorsRemoval_appendsItsEventsInOneBatch() {
        test.core().sites().addOperatorSshKey("maria", KEY);
        long before = lastSeq();

        offboarding.removeOperator("maria", "left", "cli:test");

        assertThat(recording.singles()).as("no event appended on its own").isZero();
        assertThat(recording.eventsPerAppend()).as("the key's revocation and the removal, in one batch")
                .containsExactly((int) (lastSeq() - before));
        assertThat(kindsAfter(before)).hasSizeGreaterThanOrEqualTo(2).last().isEqualTo("admin.change");
    }

    @Test
    void aSiteRemovalAbandoningWork_appendsItsForwardsPageInOneBatch_thenItsOwnEventsInAnother_itsOwnLast() {
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);
        for (String name : List.of("a", "b", "c", "d", "e")) {
            upload("/inbox/" + name + ".csv");
        }
        test.core().sites().removeRoute(client.tenant(), route.id());
        long before = lastSeq();

        RemovedSite removed = removal.removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON);

        assertThat(removed.forwardsAbandoned()).hasSize(5);
        assertThat(removed.forwardsAbandonedCount()).isEqualTo(5);
        assertThat(recording.singles()).as("no event appended on its own").isZero();
        assertThat(recording.eventsPerAppend(AuditEvent.ForwardAbandoned.class))
                .as("the page of forwards in its own transaction, then the removal's own").containsExactly(5, 0);
        assertThat(recording.eventsPerAppend().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo((int) (lastSeq() - before));
        List<String> kinds = kindsAfter(before);
        assertThat(kinds.subList(0, 5)).containsOnly("forward.abandoned");
        assertThat(kinds).last().isEqualTo("admin.change");
        String last = test.database().read(jdbc -> jdbc.queryOne("SELECT event FROM audit_events WHERE seq = ?",
                row -> row.getString(1), lastSeq())).orElseThrow();
        assertThat(last).contains("manila removed: bankrupt (abandoned 0 batch(es), 5 forward(s))");
    }

    private List<String> kindsAfter(long seq) {
        return test.database().read(jdbc -> jdbc.query("SELECT kind FROM audit_events WHERE seq > ? ORDER BY seq",
                row -> row.getString(1), seq));
    }

    private long lastSeq() {
        return test.database().read(jdbc -> jdbc.count("SELECT seq FROM audit_head"));
    }

    private void upload(String path) {
        try (Upload upload = test.core().ingest().open(client, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            upload.commit();
        }
    }
}
