package io.vaultgate.core.audit;

import io.vaultgate.core.audit.AuditProblem.Kind;
import io.vaultgate.core.audit.json.JsonException;
import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks the audit chain in the catalog from record 1 to the head: sequence, links, hashes, the indexed
 * columns against the hashed events, the head row, and every checkpoint (signature with the given public
 * key, and agreement with the chain). Reports the first problem by sequence number. It reads page by
 * page, so memory stays small however long the chain; it does not block appenders, and records appended
 * while it runs are left for the next run.
 *
 * <p>The chain alone cannot show that its end was cut off together with the checkpoints that covered it, nor
 * that an older copy of the whole catalog was restored: both leave a shorter chain that is consistent in itself.
 * Two checks reach outside the catalog for that ({@link #verify(List, Optional)}): anchors the operator kept
 * elsewhere (the checkpoint lines the gateway logs, or {@code vaultgate audit head}), which the chain must still
 * hold; and the age of the newest signed checkpoint, which the running gateway renews every checkpoint interval.
 */
public final class AuditVerifier {

    private static final int PAGE = 1000;

    private final Database database;
    private final AuditRepository rows = new AuditRepository();
    private final Optional<AuditPublicKey> key;
    private final Clock clock;

    /**
     * Without a key, checkpoints are compared with the chain but their signatures are not checked. {@code clock} tells
     * the age of the newest checkpoint and dates the report: the core's (the catalog's time, as the checkpoints' times
     * are), never a default of this host's, so every caller names it.
     */
    public AuditVerifier(Database database, Optional<AuditPublicKey> key, Clock clock) {
        this.database = database;
        this.key = key;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The newest checkpoint in the catalog, as stored (its signature not yet checked). */
    public Optional<Checkpoint> newestCheckpoint() {
        return database.read(rows::latestCheckpoint);
    }

    /** Checks the chain on its own: no anchors, no limit on the newest checkpoint's age. */
    public VerificationReport verify() {
        return verify(List.of(), Optional.empty());
    }

    /**
     * Checks the chain, and that it still holds every record of {@code anchors} with the anchored hash
     * ({@link AuditProblem.Kind#ROLLED_BACK} otherwise), and, with {@code maxCheckpointAge}, that the newest
     * signed checkpoint is at most that old ({@link AuditProblem.Kind#STALE} otherwise; it needs the public key,
     * since an unchecked checkpoint's time proves nothing).
     */
    public VerificationReport verify(List<ChainAnchor> anchors, Optional<Duration> maxCheckpointAge) {
        if (maxCheckpointAge.isPresent() && key.isEmpty()) {
            throw new IllegalArgumentException("the age of the newest checkpoint needs the public key to check it");
        }
        List<ChainAnchor> ordered = anchors.stream().sorted(Comparator.comparingLong(ChainAnchor::seq)).toList();
        return database.read(jdbc -> verify(jdbc, new ArrayDeque<>(ordered), maxCheckpointAge));
    }

    private VerificationReport verify(Jdbc jdbc, Deque<ChainAnchor> anchors, Optional<Duration> maxCheckpointAge)
            throws SQLException {
        int anchorCount = anchors.size();
        Instant now = clock.instant();
        List<Checkpoint> checkpoints = rows.checkpoints(jdbc, Long.MIN_VALUE, Long.MAX_VALUE);
        AuditRepository.Head head = rows.head(jdbc);
        Optional<AuditProblem> problem = signatures(checkpoints);
        // A checkpoint that fails its signature is the problem itself; it says nothing about the records.
        Iterator<Checkpoint> pending = checkpoints.stream()
                .filter(checkpoint -> key.isEmpty() || checkpoint.verifies(key.get())).iterator();
        Checkpoint next = pending.hasNext() ? pending.next() : null;
        long lastGood = 0;
        Checkpoint newest = null;
        ChainCursor cursor = new ChainCursor(1, ChainHash.GENESIS);
        long after = Long.MIN_VALUE;
        walk:
        while (true) {
            List<AuditRecord> page = rows.page(jdbc, after, head.seq(), PAGE);
            for (AuditRecord record : page) {
                Optional<AuditProblem> found = cursor.accept(record.seq(), record.prevHash(), record.hash(),
                        record::recomputedHash).or(() -> columns(record));
                while (found.isEmpty() && !anchors.isEmpty() && anchors.peekFirst().seq() == record.seq()) {
                    found = anchored(anchors.pollFirst(), record);
                }
                while (found.isEmpty() && next != null && next.seq() == record.seq()) {
                    if (!next.hash().equals(record.hash())) {
                        found = Optional.of(new AuditProblem(lastGood + 1, Kind.REWRITTEN, "checkpoint " + next.seq()
                                + " signed another hash than record " + record.seq() + " has: records " + (lastGood + 1)
                                + ".." + record.seq() + " were rewritten"));
                    } else {
                        lastGood = next.seq();
                        newest = next;
                    }
                    next = pending.hasNext() ? pending.next() : null;
                }
                if (found.isPresent()) {
                    problem = earliest(problem, found);
                    break walk;
                }
                after = record.seq();
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        if (problem.isEmpty() || problem.get().seq() > cursor.lastSeq()) {
            problem = earliest(problem, ending(jdbc, cursor, head, next));
            if (!anchors.isEmpty()) {
                problem = earliest(problem, beyondTheEnd(anchors.peekFirst(), cursor.lastSeq()));
            }
        }
        if (problem.isEmpty() && maxCheckpointAge.isPresent()) {
            problem = stale(Optional.ofNullable(newest), maxCheckpointAge.get(), now);
        }
        return new VerificationReport(cursor.lastSeq(), checkpoints.size(), lastGood, key.isPresent(), problem,
                Optional.ofNullable(newest), anchorCount, now);
    }

    /** The record an anchor names must still have the anchored hash. */
    private static Optional<AuditProblem> anchored(ChainAnchor anchor, AuditRecord record) {
        if (anchor.hash().equals(record.hash())) {
            return Optional.empty();
        }
        return Optional.of(new AuditProblem(record.seq(), Kind.ROLLED_BACK, "record " + record.seq() + " has hash "
                + record.hash() + ", not the anchored " + anchor.hash() + ": an older copy of the log was restored and "
                + "written to since, or records up to " + record.seq() + " were rewritten"));
    }

    private static Optional<AuditProblem> beyondTheEnd(ChainAnchor anchor, long end) {
        return Optional.of(new AuditProblem(end + 1, Kind.ROLLED_BACK, "anchor " + anchor.seq() + " lies beyond the "
                + "chain's end (record " + end + "): the log was rolled back (records " + (end + 1) + ".." + anchor.seq()
                + " at least were cut off, or an older copy of the catalog was restored)"));
    }

    private static Optional<AuditProblem> stale(Optional<Checkpoint> newest, Duration maxAge, Instant now) {
        if (newest.isEmpty()) {
            return Optional.of(new AuditProblem(1, Kind.STALE, "no signed checkpoint vouches for any record"));
        }
        Duration age = Duration.between(newest.get().signedAt(), now);
        if (age.compareTo(maxAge) <= 0) {
            return Optional.empty();
        }
        return Optional.of(new AuditProblem(newest.get().seq() + 1, Kind.STALE, "the newest signed checkpoint (record "
                + newest.get().seq() + ") was signed at " + newest.get().signedAt() + ", " + VerificationReport.age(age)
                + " ago, more than the allowed " + VerificationReport.age(maxAge) + ": the gateway stopped signing, "
                + "or this is an older copy of the log"));
    }

    private Optional<AuditProblem> signatures(List<Checkpoint> checkpoints) {
        if (key.isEmpty()) {
            return Optional.empty();
        }
        for (Checkpoint checkpoint : checkpoints) {
            if (!checkpoint.keyId().equals(key.get().keyId())) {
                return Optional.of(new AuditProblem(checkpoint.seq(), Kind.UNKNOWN_KEY, "checkpoint " + checkpoint.seq()
                        + " names key " + checkpoint.keyId() + ", not the given key " + key.get().keyId()));
            }
            if (!checkpoint.verifies(key.get())) {
                return Optional.of(new AuditProblem(checkpoint.seq(), Kind.FORGED_CHECKPOINT, "checkpoint "
                        + checkpoint.seq() + " has a signature that does not verify: it was forged or altered"));
            }
        }
        return Optional.empty();
    }

    /** After a clean walk: the chain must end at the head, with no rows beyond and no checkpoint beyond. */
    private Optional<AuditProblem> ending(Jdbc jdbc, ChainCursor cursor, AuditRepository.Head head, Checkpoint next)
            throws SQLException {
        long end = cursor.lastSeq();
        if (end < head.seq()) {
            return Optional.of(new AuditProblem(end + 1, Kind.TRUNCATED, "the chain ends at record " + end
                    + " but its head says " + head.seq() + ": records at the end were deleted"));
        }
        if (!Objects.equals(cursor.lastHash(), head.hash())) {
            return Optional.of(new AuditProblem(end, Kind.CHANGED, "the head row's hash differs from record " + end));
        }
        if (next != null) {
            return Optional.of(new AuditProblem(end + 1, Kind.TRUNCATED, "checkpoint " + next.seq()
                    + " signed records after the chain's end (" + end + "): they were deleted"));
        }
        long highest = jdbc.count("SELECT MAX(seq) FROM audit_events");
        AuditRepository.Head now = rows.head(jdbc);
        if (highest > now.seq()) {
            return Optional.of(new AuditProblem(now.seq() + 1, Kind.INSERTED, "record " + highest
                    + " lies beyond the chain's head (" + now.seq() + "): it was written outside the audit log"));
        }
        return Optional.empty();
    }

    /** The indexed columns must repeat the hashed event. */
    private static Optional<AuditProblem> columns(AuditRecord record) {
        Map<String, Object> event;
        try {
            event = JsonReader.parseObject(record.event());
        } catch (JsonException e) {
            return Optional.of(new AuditProblem(record.seq(), Kind.MALFORMED, "the event is not JSON: " + e.getMessage()));
        }
        String differs = !record.kind().equals(event.get("kind")) ? "kind"
                : !record.actor().equals(event.get("actor")) ? "actor"
                : !Objects.equals(record.tenant().orElse(null), event.get("tenant")) ? "tenant_id"
                : !record.occurredAt().toString().equals(event.get("at")) ? "occurred_at" : null;
        return differs == null ? Optional.empty() : Optional.of(new AuditProblem(record.seq(), Kind.COLUMN_MISMATCH,
                "the column " + differs + " differs from the hashed event: it was changed"));
    }

    private static Optional<AuditProblem> earliest(Optional<AuditProblem> a, Optional<AuditProblem> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().seq() <= b.get().seq() ? a : b;
    }
}
