package io.vaultgate.core.audit;

import io.vaultgate.core.audit.AuditProblem.Kind;
import io.vaultgate.core.audit.json.JsonException;
import io.vaultgate.core.audit.json.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.DateTimeException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks an audit export offline with only the gateway's public key: the header, the chain of every line
 * (events recomputed from their content, omitted records from their digests), each checkpoint's signature
 * and its agreement with the chain, that the export ends where its header says, and that every event shown
 * is the exported tenant's. The first problem is reported by sequence number.
 */
public final class ExportVerifier {

    private final AuditPublicKey key;
    private final Optional<TenantTagKey> tenantKey;

    public ExportVerifier(AuditPublicKey key) {
        this(key, Optional.empty());
    }

    /**
     * With the exported tenant's tag key, also checks that every event shown is the tenant's and that no
     * omitted record is (for a tenant export without an actor filter, which must show all of them).
     */
    public ExportVerifier(AuditPublicKey key, Optional<TenantTagKey> tenantKey) {
        this.key = key;
        this.tenantKey = tenantKey;
    }

    public ExportReport verify(BufferedReader in) throws IOException {
        Map<String, Object> header;
        long first;
        long last;
        try {
            header = JsonReader.parseObject(Objects.requireNonNullElse(in.readLine(), ""));
            if (!"header".equals(header.get("type")) || !ExportFormat.FORMAT.equals(header.get("format"))) {
                throw new JsonException("the first line is not a " + ExportFormat.FORMAT + " header");
            }
            first = JsonReader.integer(header, "first_seq");
            last = JsonReader.integer(header, "last_seq");
        } catch (JsonException e) {
            return report(0, 0, 0, 0, 0, 0, new AuditProblem(0, Kind.MALFORMED, "not an audit export: " + e.getMessage()));
        }
        ChainCursor cursor = new ChainCursor(first, first == 1 ? ChainHash.GENESIS : null);
        long events = 0;
        long omitted = 0;
        long checkpoints = 0;
        long lastSigned = first - 1;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            long at = cursor.lastSeq() + 1;
            try {
                Map<String, Object> json = JsonReader.parseObject(line);
                String type = JsonReader.string(json, "type");
                Optional<AuditProblem> problem;
                if (type.equals("checkpoint")) {
                    Checkpoint checkpoint = Checkpoint.fromJson(json);
                    problem = checkpoint(checkpoint, cursor, lastSigned);
                    checkpoints++;
                    lastSigned = problem.isEmpty() ? checkpoint.seq() : lastSigned;
                } else if (type.equals("event") || type.equals("omitted")) {
                    boolean event = type.equals("event");
                    String digest = event ? ExportFormat.digestOf(json) : JsonReader.string(json, "digest");
                    long seq = JsonReader.integer(json, "seq");
                    String prev = JsonReader.string(json, "prev_hash");
                    String tag = JsonReader.string(json, "tag");
                    problem = cursor.accept(seq, prev, JsonReader.string(json, "hash"),
                            () -> ChainHash.link(prev, seq, tag, digest)).or(() -> ownership(header, seq, tag, event));
                    if (problem.isEmpty() && event && header.get("tenant") != null
                            && !header.get("tenant").equals(((Map<?, ?>) json.get("event")).get("tenant"))) {
                        problem = Optional.of(new AuditProblem(seq, Kind.MALFORMED, "an event of another tenant is shown"));
                    }
                    events += event ? 1 : 0;
                    omitted += event ? 0 : 1;
                } else {
                    problem = Optional.of(new AuditProblem(at, Kind.MALFORMED, "unknown line type \"" + type + "\""));
                }
                if (problem.isPresent()) {
                    return report(events, omitted, checkpoints, first, last, lastSigned, problem.get());
                }
            } catch (DateTimeException | IllegalArgumentException | ClassCastException | NullPointerException e) {
                return report(events, omitted, checkpoints, first, last, lastSigned,
                        new AuditProblem(at, Kind.MALFORMED, "bad line: " + e.getMessage()));
            }
        }
        if (cursor.lastSeq() != last) {
            return report(events, omitted, checkpoints, first, last, lastSigned, new AuditProblem(cursor.lastSeq() + 1,
                    Kind.TRUNCATED, "the export stops at record " + cursor.lastSeq() + " but its header says " + last));
        }
        return new ExportReport(events, omitted, checkpoints, first, last, Math.max(lastSigned, 0), Optional.empty());
    }

    /** With the tenant's tag key: shown records must be the tenant's, omitted ones must not. */
    private Optional<AuditProblem> ownership(Map<String, Object> header, long seq, String tag, boolean shown) {
        if (tenantKey.isEmpty() || header.get("tenant") == null || header.get("actor") != null) {
            return Optional.empty();
        }
        boolean owned = tenantKey.get().owns(seq, tag);
        if (owned == shown) {
            return Optional.empty();
        }
        return Optional.of(new AuditProblem(seq, Kind.HIDDEN, shown
                ? "the event shown is not the tenant's own record (its tag is not the tenant's)"
                : "record " + seq + " is one of the tenant's own records but the export omits it"));
    }

    private Optional<AuditProblem> checkpoint(Checkpoint checkpoint, ChainCursor cursor, long lastSigned) {
        long seq = checkpoint.seq();
        if (!checkpoint.keyId().equals(key.keyId())) {
            return Optional.of(new AuditProblem(seq, Kind.UNKNOWN_KEY, "checkpoint " + seq + " names key "
                    + checkpoint.keyId() + ", not the given key " + key.keyId()));
        }
        if (!checkpoint.verifies(key)) {
            return Optional.of(new AuditProblem(seq, Kind.FORGED_CHECKPOINT, "checkpoint " + seq
                    + " has a signature that does not verify: it was forged or altered"));
        }
        if (seq != cursor.lastSeq() || !checkpoint.hash().equals(cursor.lastHash())) {
            return Optional.of(new AuditProblem(lastSigned + 1, Kind.REWRITTEN, "checkpoint " + seq
                    + " does not match the records before it: records " + (lastSigned + 1) + ".." + seq
                    + " were changed, or the lines are out of order"));
        }
        return Optional.empty();
    }

    private static ExportReport report(long events, long omitted, long checkpoints, long first, long last,
                                       long lastSigned, AuditProblem problem) {
        return new ExportReport(events, omitted, checkpoints, first, last, Math.max(lastSigned, 0), Optional.of(problem));
    }
}
