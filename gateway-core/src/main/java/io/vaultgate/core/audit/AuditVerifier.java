package io.vaultgate.core.audit;

import io.vaultgate.core.audit.AuditProblem.Kind;
import io.vaultgate.core.audit.json.JsonException;
import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
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
 */
public final class AuditVerifier {

    private static final int PAGE = 1000;

    private final Database database;
    private final AuditRepository rows = new AuditRepository();
    private final Optional<AuditPublicKey> key;

    /** Without a key, checkpoints are compared with the chain but their signatures are not checked. */
    public AuditVerifier(Database database, Optional<AuditPublicKey> key) {
        this.database = database;
        this.key = key;
    }

    public VerificationReport verify() {
        return database.read(this::verify);
    }

    private VerificationReport verify(Jdbc jdbc) throws SQLException {
        List<Checkpoint> checkpoints = rows.checkpoints(jdbc, Long.MIN_VALUE, Long.MAX_VALUE);
        AuditRepository.Head head = rows.head(jdbc);
        Optional<AuditProblem> problem = signatures(checkpoints);
        // A checkpoint that fails its signature is the problem itself; it says nothing about the records.
        Iterator<Checkpoint> pending = checkpoints.stream()
                .filter(checkpoint -> key.isEmpty() || checkpoint.verifies(key.get())).iterator();
        Checkpoint next = pending.hasNext() ? pending.next() : null;
        long lastGood = 0;
        ChainCursor cursor = new ChainCursor(1, ChainHash.GENESIS);
        long after = Long.MIN_VALUE;
        walk:
        while (true) {
            List<AuditRecord> page = rows.page(jdbc, after, head.seq(), PAGE);
            for (AuditRecord record : page) {
                Optional<AuditProblem> found = cursor.accept(record.seq(), record.prevHash(), record.hash(),
                        record::recomputedHash).or(() -> columns(record));
                while (found.isEmpty() && next != null && next.seq() == record.seq()) {
                    if (!next.hash().equals(record.hash())) {
                        found = Optional.of(new AuditProblem(lastGood + 1, Kind.REWRITTEN, "checkpoint " + next.seq()
                                + " signed another hash than record " + record.seq() + " has: records " + (lastGood + 1)
                                + ".." + record.seq() + " were rewritten"));
                    } else {
                        lastGood = next.seq();
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
        }
        return new VerificationReport(cursor.lastSeq(), checkpoints.size(), lastGood, key.isPresent(), problem);
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
