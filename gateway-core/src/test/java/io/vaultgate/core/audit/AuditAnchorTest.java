package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.audit.AuditProblem.Kind;
import io.vaultgate.core.tenant.TenantId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A log rolled back inside the catalog (its end cut off together with the checkpoints covering it and the head
 * row reset, or an older copy restored) is consistent in itself: only an anchor kept outside the catalog, the
 * checkpoint line the gateway logs, shows it, and only the checkpoint's age shows a copy that stopped being
 * signed. The security review's two tamperings verified OK before anchors existed; they still do without one.
 */
class AuditAnchorTest {

    @TempDir
    Path dir;
    private AuditFixture audit;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(CatalogAuditLog.class);
    private Level level;
    private boolean additive;

    @BeforeEach
    void twentyRecordsWithCheckpointsAt1_11() {
        level = logger.getLevel();
        additive = logger.isAdditive();
        logger.setLevel(Level.INFO);
        logger.setAdditive(false); // captured here, not printed
        logged.start();
        logger.addAppender(logged);
        audit = new AuditFixture(dir, new CheckpointPolicy(10, Duration.ofDays(1)));
        audit.appendUploads(20);
        assertThat(audit.verify().ok()).isTrue();
    }

    @AfterEach
    void detach() {
        logger.detachAppender(logged);
        logger.setLevel(level);
        logger.setAdditive(additive);
    }

    @Test
    void everySignedCheckpoint_isLoggedAsOneAnchorLine_thatTheIntactChainHolds() {
        List<String> lines = anchorLines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("audit checkpoint seq=11 hash=" + audit.column("hash", 11) + " signed_at=")
                .contains(" key=" + audit.key.keyId(), " anchor=11:" + audit.column("hash", 11) + " signature=");
        CheckpointLine.Anchors read = CheckpointLine.read(lines, audit.key.publicKey());
        assertThat(read.skipped()).isEmpty();
        List<ChainAnchor> anchors = read.anchors();
        VerificationReport report = verifier().verify(anchors, Optional.empty());
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.anchorsChecked()).isEqualTo(2);
        assertThat(report.freshness()).contains("anchor 11:" + audit.column("hash", 11));
    }

    @Test
    void anAnchorsFile_withLookAlikeLinesAClientWroteIntoTheLog_acceptsTheSignedLinesOnly_andSaysWhatItSkipped() {
        String fake = "cd".repeat(32);
        String genuine11 = anchorLines().get(1);
        List<String> file = new ArrayList<>();
        for (String line : anchorLines()) {
            file.add("2026-11-01T00:00:10.000Z INFO  [main] i.v.c.a.CatalogAuditLog  - " + line);
        }
        file.addAll(List.of( // what `grep 'audit checkpoint' gateway.log` also picks up when clients choose the text
                "2026-11-01T00:00:11.000Z INFO  [sshd-1] i.v.s.a.CoreUserAuthenticator session=sftp-1 - sftp auth "
                        + "refused: method=publickey user=audit checkpoint anchor=1:x reason=UNKNOWN_USER from=192.0.2.7",
                "audit checkpoint seq=99999999 hash=" + fake + " signed_at=2026-11-01T00:00:12Z key=" + audit.key.keyId()
                        + " anchor=99999999:" + fake,
                "audit checkpoint seq=99999999 hash=" + fake + " signed_at=2026-11-01T00:00:12Z key=" + audit.key.keyId()
                        + " anchor=99999999:" + fake + " signature=" + genuine11.substring(genuine11.indexOf("signature=") + 10),
                genuine11.replace("anchor=11:", "anchor=12:"),
                "# a comment", "", "2026-11-01T00:00:13.000Z INFO  [main] i.v.c.i.UploadLedger - upload committed: "
                        + "file=f_1 (a line of the log that claims nothing is not counted)"));

        CheckpointLine.Anchors read = CheckpointLine.read(file, audit.key.publicKey());

        assertThat(read.anchors()).containsExactly(loggedAnchor(1), loggedAnchor(11));
        assertThat(read.skipped()).hasSize(4);
        assertThat(read.skipped().get(0)).startsWith("line 3: ");
        assertThat(read.skipped().get(1)).startsWith("line 4: no signature");
        assertThat(read.skipped().get(2)).startsWith("line 5: its signature does not verify");
        assertThat(read.skipped().get(3)).startsWith("line 6: malformed");
        assertThat(read.summary("anchors.txt")).startsWith("anchors from anchors.txt: 2 accepted, 4 lines skipped");
        VerificationReport report = verifier().verify(read.anchors(), Optional.empty());
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.anchorsChecked()).isEqualTo(2);

        AuditSigningKey other = AuditSigningKey.generate(new java.security.SecureRandom());
        Checkpoint foreign = Checkpoint.sign(99999999, fake, audit.clock.instant(), other);
        assertThat(CheckpointLine.read(List.of(CheckpointLine.of(foreign)), audit.key.publicKey()).skipped())
                .singleElement().asString().contains("signed by another key");
        assertThat(CheckpointLine.read(List.of("12:" + fake, "anchor: 13:" + fake), audit.key.publicKey()).anchors())
                .as("bare SEQ:HASH lines, and `audit head`'s anchor: lines, are the operator's own list, taken as given")
                .containsExactly(new ChainAnchor(12, fake), new ChainAnchor(13, fake));
    }

    @Test
    void aGenuineLoggedLine_stillCatchesARollback_amongLookAlikes() {
        List<String> file = new ArrayList<>(anchorLines());
        file.add(0, "sftp auth refused: user=\"audit checkpoint anchor=1:x\"");
        audit.sql("DELETE FROM audit_events WHERE seq > 9");
        audit.sql("DELETE FROM audit_checkpoints WHERE seq > 9");
        audit.sql("UPDATE audit_head SET seq = 9, hash = ? WHERE id = 1", audit.column("hash", 9));

        CheckpointLine.Anchors read = CheckpointLine.read(file, audit.key.publicKey());
        VerificationReport report = verifier().verify(read.anchors(), Optional.empty());

        assertThat(read.skipped()).hasSize(1);
        assertThat(report.problem()).get().extracting(AuditProblem::kind, AuditProblem::seq)
                .containsExactly(Kind.ROLLED_BACK, 10L);
    }

    @Test
    void aCheckpointOfARolledBackAppend_isNeverLogged() {
        logged.list.clear();
        assertThatThrownBy(() -> audit.database.inTransaction(jdbc -> {
            audit.log.append(jdbc, upload(1)); // record 21, due a checkpoint, signed in this transaction
            throw new IllegalStateException("the caller's transaction fails after its append");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(audit.count("SELECT COUNT(*) FROM audit_checkpoints WHERE seq = 21")).isZero();
        assertThat(anchorLines()).as("an anchor of a record that never was would fail every later verify").isEmpty();
        audit.appendUploads(1);
        assertThat(anchorLines()).singleElement().asString().startsWith("audit checkpoint seq=21 ");
    }

    @Test
    void tailCutOffWithTheCheckpointsCoveringIt_failsAgainstALoggedAnchor() {
        ChainAnchor kept = loggedAnchor(11);
        audit.sql("DELETE FROM audit_events WHERE seq > 9");
        audit.sql("DELETE FROM audit_checkpoints WHERE seq > 9");
        audit.sql("UPDATE audit_head SET seq = 9, hash = ? WHERE id = 1", audit.column("hash", 9));
        assertThat(audit.verify().ok()).as("without an anchor the shorter chain is consistent in itself").isTrue();

        VerificationReport report = verifier().verify(List.of(kept), Optional.empty());

        assertThat(report.ok()).isFalse();
        assertThat(report.problem().get().kind()).isEqualTo(Kind.ROLLED_BACK);
        assertThat(report.problem().get().seq()).isEqualTo(10);
        assertThat(report.problem().get().reason()).contains("anchor 11 lies beyond the chain's end (record 9)");
    }

    @Test
    void recordRewrittenAndRehashed_withLaterCheckpointsDeleted_failsAgainstALoggedAnchor() {
        ChainAnchor kept = loggedAnchor(11);
        String event = audit.column("event", 5).replace("acme-user", "nobody");
        audit.sql("UPDATE audit_events SET event = ?, actor = 'nobody' WHERE seq = 5", event);
        audit.rehashFrom(5);
        audit.sql("DELETE FROM audit_checkpoints WHERE seq >= 5");
        assertThat(audit.verify().ok()).as("without an anchor the rewrite is consistent in itself").isTrue();

        VerificationReport report = verifier().verify(List.of(kept), Optional.empty());

        assertThat(report.problem()).get().extracting(AuditProblem::kind, AuditProblem::seq)
                .containsExactly(Kind.ROLLED_BACK, 11L);
        assertThat(report.problem().get().reason()).contains("not the anchored " + kept.hash());
    }

    @Test
    void olderCopyRestoredAndWrittenToSince_failsAgainstAnAnchorItHasPassed() {
        ChainAnchor kept = loggedAnchor(11);
        audit.sql("DELETE FROM audit_events WHERE seq > 9"); // the state of an old backup: records 1..9
        audit.sql("DELETE FROM audit_checkpoints WHERE seq > 9");
        audit.sql("UPDATE audit_head SET seq = 9, hash = ? WHERE id = 1", audit.column("hash", 9));
        audit.appendUploads(5); // the gateway goes on over the restored copy: new records 10..14, signed anew
        assertThat(audit.verify().ok()).isTrue();

        VerificationReport report = verifier().verify(List.of(kept), Optional.empty());

        assertThat(report.problem()).get().extracting(AuditProblem::kind, AuditProblem::seq)
                .containsExactly(Kind.ROLLED_BACK, 11L);
    }

    @Test
    void theRunningGateway_logsAnErrorWhenItsHeadGoesBack_once() {
        audit.sql("DELETE FROM audit_events WHERE seq > 9"); // an older copy put under the running gateway
        audit.sql("DELETE FROM audit_checkpoints WHERE seq > 9");
        audit.sql("UPDATE audit_head SET seq = 9, hash = ? WHERE id = 1", audit.column("hash", 9));

        audit.appendUploads(2);

        assertThat(logged.list).filteredOn(event -> event.getLevel() == Level.ERROR).singleElement()
                .extracting(ILoggingEvent::getFormattedMessage).asString()
                .startsWith("audit log rolled back: its head is record 9 but this gateway saw record 20");
    }

    @Test
    void anAnchorOfAnotherHash_failsEvenWhenTheChainIsIntact() {
        VerificationReport report = verifier().verify(List.of(new ChainAnchor(7, "ab".repeat(32))), Optional.empty());
        assertThat(report.problem()).get().extracting(AuditProblem::kind, AuditProblem::seq)
                .containsExactly(Kind.ROLLED_BACK, 7L);
    }

    @Test
    void checkpointOlderThanAllowed_fails_andTheHeartbeatKeepsAQuietLogFresh() {
        audit.clock.advance(Duration.ofDays(2)); // nothing appended for two days
        VerificationReport stale = verifier().verify(List.of(), Optional.of(Duration.ofDays(1)));
        assertThat(stale.problem()).get().extracting(AuditProblem::kind).isEqualTo(Kind.STALE);
        assertThat(stale.problem().get().reason()).contains("the newest signed checkpoint (record 11)");
        assertThat(audit.log.checkpointIfDue()).get().extracting(Checkpoint::seq).isEqualTo(20L); // the last records
        assertThat(verifier().verify(List.of(), Optional.of(Duration.ofDays(1))).ok()).isTrue();

        audit.clock.advance(Duration.ofDays(2)); // two more quiet days: nothing new to sign
        assertThat(verifier().verify(List.of(), Optional.of(Duration.ofDays(1))).problem()).get()
                .extracting(AuditProblem::kind).isEqualTo(Kind.STALE);

        Optional<Checkpoint> heartbeat = audit.log.checkpointIfDue();

        assertThat(heartbeat).get().extracting(Checkpoint::seq, Checkpoint::signedAt)
                .containsExactly(20L, audit.clock.instant());
        assertThat(audit.count("SELECT COUNT(*) FROM audit_checkpoints")).as("renewed in place").isEqualTo(3);
        VerificationReport fresh = verifier().verify(List.of(), Optional.of(Duration.ofDays(1)));
        assertThat(fresh.ok()).as(fresh.summary()).isTrue();
        assertThat(fresh.checkpointAge()).contains(Duration.ZERO);
        assertThat(anchorLines()).last().asString().startsWith("audit checkpoint seq=20 ");
        assertThat(audit.log.checkpointIfDue()).as("not again within the interval").isEmpty();
    }

    @Test
    void aLogWithoutCheckpoints_isStale() {
        audit.sql("DELETE FROM audit_checkpoints");
        VerificationReport report = verifier().verify(List.of(), Optional.of(Duration.ofDays(365)));
        assertThat(report.problem()).get().extracting(AuditProblem::kind).isEqualTo(Kind.STALE);
    }

    @Test
    void theCheckpointAge_needsThePublicKey() {
        assertThatThrownBy(() -> new AuditVerifier(audit.database, Optional.empty(), audit.clock)
                .verify(List.of(), Optional.of(Duration.ofHours(1)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anchors_parseAsSeqColonHash_orFromTheLogLine() {
        String hash = "0f".repeat(32);
        assertThat(ChainAnchor.parse("12:" + hash)).isEqualTo(new ChainAnchor(12, hash));
        assertThat(ChainAnchor.parse("anchor=12:" + hash)).isEqualTo(new ChainAnchor(12, hash));
        assertThat(new ChainAnchor(12, hash)).hasToString("12:" + hash);
        for (String bad : List.of("12", ":" + hash, "x:" + hash, "0:" + hash, "12:" + hash.toUpperCase(), "12:abc")) {
            assertThatThrownBy(() -> ChainAnchor.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private AuditVerifier verifier() {
        return new AuditVerifier(audit.database, Optional.of(audit.key.publicKey()), audit.clock);
    }

    private List<String> anchorLines() {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith("audit checkpoint ")).toList();
    }

    private ChainAnchor loggedAnchor(long seq) {
        return anchorLines().stream().filter(line -> line.startsWith("audit checkpoint seq=" + seq + " "))
                .map(line -> CheckpointLine.read(List.of(line), audit.key.publicKey()).anchors()).findFirst()
                .orElseThrow().get(0);
    }

    private AuditEvent upload(int i) {
        return new AuditEvent.UploadCommitted(audit.clock.instant(), Optional.of(TenantId.of("acme")), "acme-user",
                "f_x" + i, "/inbox/x-" + i + ".csv", i, "ab".repeat(32));
    }
}
