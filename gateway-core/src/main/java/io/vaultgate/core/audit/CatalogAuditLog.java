package io.vaultgate.core.audit;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.tenant.TenantId;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log in the catalog's {@code audit_events} table (see {@link ChainHash} for the chain and
 * {@link Checkpoint} for what is signed). Appends are serialized on the {@code audit_head} row, so the
 * sequence has no gaps and the chain never forks, even with many appenders on several gateway nodes.
 * A checkpoint is signed, in the same transaction, when the {@link CheckpointPolicy} says one is due.
 *
 * <p>Every checkpoint signed is logged at INFO, once its transaction has committed, as one line
 * <pre>audit checkpoint seq=N hash=H signed_at=T key=K anchor=N:H signature=S</pre>
 * ({@link CheckpointLine}) which log shipping carries off the machine: nothing in the catalog can then take back what
 * was signed, and {@code vaultgate audit verify --anchor N:H} proves the chain still holds record N with hash H (a
 * rolled-back tail or a restored old backup fails it; see {@link AuditVerifier#verify(List, Optional)}). The
 * checkpoint's signature on the line tells it from a look-alike a client wrote into the log through a login name or
 * a path ({@code --anchors-from} accepts only lines that verify).
 */
public final class CatalogAuditLog implements AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogAuditLog.class);

    private final Database database;
    private final AuditRepository rows = new AuditRepository();
    private final AuditSigningKey key;
    private final TenantTags tags;
    private final CheckpointPolicy policy;
    private final SecureRandom random;
    private final Clock clock;
    /** The highest head this process has seen; the head only ever grows, so a lower one is a rollback. */
    private final java.util.concurrent.atomic.AtomicLong highestHead = new java.util.concurrent.atomic.AtomicLong();

    public CatalogAuditLog(Database database, AuditSigningKey key, CheckpointPolicy policy, SecureRandom random,
                           Clock clock) {
        this.database = database;
        this.key = key;
        this.tags = TenantTags.derivedFrom(key);
        this.policy = policy;
        this.random = random;
        this.clock = clock;
    }

    @Override
    public AuditRecord append(AuditEvent event) {
        return database.inTransaction(jdbc -> append(jdbc, event));
    }

    @Override
    public AuditRecord append(Jdbc jdbc, AuditEvent event) throws SQLException {
        return appendAll(jdbc, List.of(event)).get(0);
    }

    /**
     * Computes what each record holds whatever its place (nonce, canonical text, digest) before it locks the head;
     * then reads the head once, tags and links every record and signs every checkpoint due in memory, exactly as
     * one append after another would (the same seqs, hashes and checkpoints), inserts them, many rows a statement,
     * and moves the head once, to the last record. One-by-one appends in one transaction updated the head row twice
     * per event, and on PostgreSQL every update of a row the transaction has already updated costs more than the
     * last: 20 000 events held the head, and every other appender, for minutes.
     */
    @Override
    public List<AuditRecord> appendAll(Jdbc jdbc, List<AuditEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return List.of();
        }
        List<AuditRecord.Content> contents = new ArrayList<>(events.size());
        for (AuditEvent event : events) {
            contents.add(AuditRecord.Content.of(event, nonce()));
        }
        AuditRepository.Head head = rows.lockForAppend(jdbc);
        noticeRollback(head);
        Optional<Checkpoint> last = rows.latestCheckpoint(jdbc);
        List<AuditRecord> records = new ArrayList<>(events.size());
        List<Checkpoint> checkpoints = new ArrayList<>();
        Map<Optional<TenantId>, TenantTagKey> tagKeys = new HashMap<>(); // a removal's events name few tenants
        String prevHash = head.hash();
        long seq = head.seq();
        for (AuditRecord.Content content : contents) {
            seq++;
            String tag = tagKeys.computeIfAbsent(content.event().tenant(), tags::forTenant).tag(seq);
            AuditRecord record = content.link(seq, prevHash, tag);
            records.add(record);
            prevHash = record.hash();
            if (seq - last.map(Checkpoint::seq).orElse(0L) >= policy.everyEvents() || intervalPassed(last)) {
                last = Optional.of(Checkpoint.sign(seq, record.hash(), clock.instant(), key));
                checkpoints.add(last.get());
            }
        }
        rows.insert(jdbc, records);
        for (Checkpoint checkpoint : checkpoints) {
            rows.insertCheckpoint(jdbc, checkpoint);
            logOnCommit(jdbc, checkpoint);
        }
        rows.moveHead(jdbc, head, records.get(records.size() - 1));
        long newHead = records.get(records.size() - 1).seq();
        jdbc.afterCommit(() -> highestHead.accumulateAndGet(newHead, Math::max));
        return List.copyOf(records);
    }

    /**
     * Signs a checkpoint of the head once the policy's interval has passed since the last one; call it from a
     * timer (every minute, say). If records were appended since, it checkpoints them, so that a quiet gateway's
     * last events get signed too. If none were, it signs the same head again with the current time in place of
     * the last checkpoint (a heartbeat: one row rewritten, no row added), so that the newest checkpoint is never
     * older than the interval while the gateway runs, however quiet: {@code vaultgate audit verify
     * --max-checkpoint-age} relies on that to tell a running gateway's log from an old copy.
     */
    public Optional<Checkpoint> checkpointIfDue() {
        return database.inTransaction(jdbc -> {
            rows.lockHead(jdbc);
            Optional<Checkpoint> last = rows.latestCheckpoint(jdbc);
            AuditRepository.Head head = rows.head(jdbc);
            noticeRollback(head);
            if (head.seq() == 0 || !intervalPassed(last)) {
                return Optional.empty();
            }
            long lastSeq = last.map(Checkpoint::seq).orElse(0L);
            if (head.seq() > lastSeq) {
                return Optional.of(sign(jdbc, head));
            }
            if (head.seq() == lastSeq && head.hash().equals(last.get().hash())) {
                Checkpoint renewed = Checkpoint.sign(head.seq(), head.hash(), clock.instant(), key);
                rows.replaceCheckpoint(jdbc, renewed);
                logOnCommit(jdbc, renewed);
                return Optional.of(renewed);
            }
            return Optional.empty(); // a checkpoint beyond the head, or at it with another hash: audit verify says why
        });
    }

    /** Signs a checkpoint of the head now, unless the head is already checkpointed (or the log empty). */
    public Optional<Checkpoint> checkpointNow() {
        return database.inTransaction(jdbc -> {
            rows.lockHead(jdbc);
            AuditRepository.Head head = rows.head(jdbc);
            if (head.seq() == 0 || rows.latestCheckpoint(jdbc).map(Checkpoint::seq).orElse(0L) == head.seq()) {
                return Optional.empty();
            }
            return Optional.of(sign(jdbc, head));
        });
    }

    /** The secret tag key to hand to {@code tenant} so it can check its exports for hidden records. */
    public TenantTagKey tenantTagKey(Optional<io.vaultgate.core.tenant.TenantId> tenant) {
        return tags.forTenant(tenant);
    }

    /** The public key that verifies this log's checkpoints. */
    public AuditPublicKey publicKey() {
        return key.publicKey();
    }

    private Checkpoint sign(Jdbc jdbc, AuditRepository.Head head) throws SQLException {
        Checkpoint checkpoint = Checkpoint.sign(head.seq(), head.hash(), clock.instant(), key);
        rows.insertCheckpoint(jdbc, checkpoint);
        logOnCommit(jdbc, checkpoint);
        return checkpoint;
    }

    /**
     * Logs an ERROR when the head is lower than one this process saw: the catalog was rolled back under the running
     * gateway (an older copy restored, the tail cut). The gateway goes on (refusing every upload would not bring the
     * records back); the operator compares with the shipped anchors ({@code audit verify --anchor}).
     */
    private void noticeRollback(AuditRepository.Head head) {
        long seen = highestHead.get();
        if (head.seq() < seen) {
            LOG.error("audit log rolled back: its head is record {} but this gateway saw record {}; an older copy of the "
                    + "catalog was restored or records were deleted. Check with `vaultgate audit verify --anchor` against "
                    + "the shipped `audit checkpoint` lines", head.seq(), seen);
            highestHead.set(head.seq()); // said once; the log goes on from here
        } else {
            highestHead.accumulateAndGet(head.seq(), Math::max);
        }
    }

    /** The anchor line of {@code checkpoint}, logged only if its transaction commits. */
    private static void logOnCommit(Jdbc jdbc, Checkpoint checkpoint) {
        jdbc.afterCommit(() -> LOG.info("{}", CheckpointLine.of(checkpoint)));
    }

    private boolean intervalPassed(Optional<Checkpoint> last) {
        Instant since = last.map(Checkpoint::signedAt).orElse(Instant.EPOCH);
        return Duration.between(since, clock.instant()).compareTo(policy.everyInterval()) >= 0;
    }

    private String nonce() {
        byte[] bytes = new byte[ChainHash.NONCE_BYTES];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
