package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.admin.Offboarding.RemovedSite;
import io.vaultgate.core.admin.Offboarding.UnfinishedWork;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Outbox;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site removed with a backlog larger than a page ({@code site remove --abandon-work}) is abandoned a page at a
 * time: no audit append carries more than a page of {@code forward.abandoned} events (so memory stays at a page's
 * worth, not the whole backlog's), and the result is the same as in one go: every undelivered job abandoned and
 * audited once, oldest first, in one transaction, the removal's own event last. Runs on SQLite and, with
 * {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL (where the jobs' rows are locked before the first
 * append).
 */
class SiteAbandonPagingTest {

    private static final int PAGE = 3;
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal client;
    private RecordingAuditLog recording;
    private Offboarding offboarding;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().addOperatorSshKey("maria", KEY);
        recording = new RecordingAuditLog(test.core().audit());
        offboarding = new Offboarding(test.database(), new OperatorRepository(), new BatchRepository(),
                new RouteRepository(), outbox(), test.core().incidents().revocation(), test.core().incidents().mfa(),
                recording, Clock.systemUTC(), PAGE);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aBacklogOfSeveralPages_isAbandonedAPageAtATime_everyJobOnceOldestFirst_theRemovalsEventLast() {
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);
        for (int i = 0; i < 9; i++) {
            upload("/inbox/f" + i + ".csv");
        }
        test.core().sites().removeRoute(client.tenant(), route.id());
        ForwardJob delivered = claimOne();
        outbox().complete(delivered, Optional.empty(), Instant.now());
        ForwardJob dead = claimOne();
        outbox().fail(dead, "refused", true, Instant.now());
        claimOne(); // one in flight
        List<String> undelivered = test.database().read(jdbc -> jdbc.query("SELECT id FROM forward_jobs WHERE "
                + "site_id = 'manila' AND state <> 'DELIVERED' ORDER BY created_at, id", row -> row.getString(1)));
        assertThat(undelivered).hasSize(8);
        long before = lastSeq();

        RemovedSite removed = offboarding.removeSite("manila", "bankrupt", "cli:test", UnfinishedWork.ABANDON);

        assertThat(removed.forwardsAbandoned()).containsExactlyElementsOf(undelivered);
        assertThat(recording.eventsPerAppend(AuditEvent.ForwardAbandoned.class))
                .as("forward.abandoned events per append")
                .hasSizeGreaterThanOrEqualTo(3).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(PAGE));
        assertThat(recording.singles()).as("no event appended on its own").isZero();
        assertThat(recording.eventsPerAppend().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo((int) (lastSeq() - before));
        assertThat(undelivered).allSatisfy(id -> assertThat(outbox().find(id).orElseThrow().state())
                .isEqualTo(ForwardState.ABANDONED));
        assertThat(outbox().find(delivered.id()).orElseThrow().state()).isEqualTo(ForwardState.DELIVERED);
        List<String> jobsInChain = test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE "
                + "seq > ? AND kind = 'forward.abandoned' ORDER BY seq", row -> row.getString(1), before))
                .stream().map(event -> event.replaceAll(".*\"job\":\"([^\"]+)\".*", "$1")).toList();
        assertThat(jobsInChain).containsExactlyElementsOf(undelivered);
        List<String> kinds = test.database().read(jdbc -> jdbc.query("SELECT kind FROM audit_events WHERE seq > ? "
                + "ORDER BY seq", row -> row.getString(1), before));
        assertThat(kinds.subList(0, 8)).containsOnly("forward.abandoned");
        assertThat(kinds).last().isEqualTo("admin.change");
        String last = test.database().read(jdbc -> jdbc.queryOne("SELECT event FROM audit_events WHERE seq = ?",
                row -> row.getString(1), lastSeq())).orElseThrow();
        assertThat(last).contains("manila removed: bankrupt (abandoned 0 batch(es), 8 forward(s))");
        assertThat(outbox().claim("manila", "test-node", 20, Duration.ofMinutes(1),
                Instant.now().plus(Duration.ofDays(1)))).as("nothing left to send").isEmpty();
    }

    @Test
    void aPlainRemoval_abandonsDeadForwardsAPageAtATime_andLeavesNoneDead() {
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO);
        for (int i = 0; i < 7; i++) {
            upload("/inbox/d" + i + ".csv");
        }
        test.core().sites().removeRoute(client.tenant(), route.id());
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ForwardJob job = claimOne();
            outbox().fail(job, "refused", true, Instant.now());
            dead.add(job.id());
        }

        RemovedSite removed = offboarding.removeSite("manila", "contract ended", "cli:test");

        assertThat(removed.forwardsAbandoned()).containsExactlyInAnyOrderElementsOf(dead);
        assertThat(recording.eventsPerAppend(AuditEvent.ForwardAbandoned.class))
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(PAGE));
        assertThat(outbox().count(ForwardState.DEAD)).isZero();
        assertThat(outbox().count(ForwardState.ABANDONED)).isEqualTo(7);
    }

    private ForwardJob claimOne() {
        return outbox().claim("manila", "test-node", 1, Duration.ofMinutes(1), Instant.now()).get(0);
    }

    private Outbox outbox() {
        return test.core().forwarding().outbox();
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
