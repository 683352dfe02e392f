package io.vaultgate.core.audit;

import io.vaultgate.core.audit.AuditProblem.Kind;
import io.vaultgate.core.audit.json.JsonException;
import io.vaultgate.core.audit.json.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks an audit export offline with only the gateway's public key: the header, the chain of every line
 * (events recomputed from their content, omitted records from their digests), each checkpoint's signature
 * and its agreement with the chain, that the export ends where its header says, and that every event shown
 * is the exported tenant's; and the header's signature, which fixes the tenant, period and span
 * ({@code first_seq..last_seq}) the export claims, and that every record shown as {@code event} happened in that
 * period (and every one shown as {@code outside}, outside it). The header also signs {@code last_hash}, the hash of
 * record {@code last_seq}, which the chain recomputed from the lines must reach: so every record is signed, also
 * those after the last checkpoint in the file, and removing checkpoint lines to rewrite the records they covered
 * fails. The first problem is reported by sequence number. An export whose header does not sign its last hash
 * (format v2 of older gateways, or an unsigned header) passes only if a checkpoint in it covers its last record.
 * An export without a header signature (format v1 of older gateways, or one written without the signing key) is
 * refused, unless the verifier is told to accept one: then its records are checked as before and the report warns
 * that nothing ties its span to its period.
 */
public final class ExportVerifier {

    private final AuditPublicKey key;
    private final Optional<TenantTagKey> tenantKey;
    private final boolean acceptUnsignedHeader;

    public ExportVerifier(AuditPublicKey key) {
        this(key, Optional.empty());
    }

    /**
     * With the exported tenant's tag key, also checks that every event shown is the tenant's and that no
     * omitted record is (for a tenant export without an actor filter, which must show all of them).
     */
    public ExportVerifier(AuditPublicKey key, Optional<TenantTagKey> tenantKey) {
        this(key, tenantKey, false);
    }

    /**
     * {@code acceptUnsignedHeader}: check an export whose header is not signed (from an older gateway) instead of
     * refusing it; someone holding the file could have moved its start or end to drop records, which the report
     * then says.
     */
    public ExportVerifier(AuditPublicKey key, Optional<TenantTagKey> tenantKey, boolean acceptUnsignedHeader) {
        this.key = key;
        this.tenantKey = tenantKey;
        this.acceptUnsignedHeader = acceptUnsignedHeader;
    }

    public ExportReport verify(BufferedReader in) throws IOException {
        Map<String, Object> header;
        long first;
        long last;
        Instant since;
        Instant until;
        boolean v1;
        boolean v2;
        try {
            header = JsonReader.parseObject(Objects.requireNonNullElse(in.readLine(), ""));
            v1 = ExportFormat.FORMAT_V1.equals(header.get("format"));
            v2 = ExportFormat.FORMAT_V2.equals(header.get("format"));
            if (!"header".equals(header.get("type"))
                    || !(v1 || v2 || ExportFormat.FORMAT.equals(header.get("format")))) {
                throw new JsonException("the first line is not a " + ExportFormat.FORMAT + " header");
            }
            first = JsonReader.integer(header, "first_seq");
            last = JsonReader.integer(header, "last_seq");
            since = Instant.parse(JsonReader.string(header, "since"));
            until = Instant.parse(JsonReader.string(header, "until"));
        } catch (DateTimeException | IllegalArgumentException e) { // JsonException is an IllegalArgumentException
            return report(0, 0, 0, 0, 0, 0, false, false,
                    new AuditProblem(0, Kind.MALFORMED, "not an audit export: " + e.getMessage()));
        }
        boolean signed = !v1 && header.get("signature") != null;
        Optional<AuditProblem> unsigned = signed ? headerSignature(header)
                : acceptUnsignedHeader ? Optional.empty()
                : Optional.of(new AuditProblem(first, Kind.SPAN, "the header is not signed (" + (v1
                ? "format " + ExportFormat.FORMAT_V1 + ", from an older gateway" : "written without the signing key")
                + "): nothing proves its period and span, so records at its start or end may have been dropped; "
                + "ask for a new export, or accept it knowingly (verify-export --allow-unsigned-header)"));
        if (unsigned.isPresent()) {
            return report(0, 0, 0, first, last, 0, false, false, unsigned.get());
        }
        boolean signsEnd = signed && !v2; // format v3: the signed header fixes the hash of the last record
        Object lastHash = header.get("last_hash");
        if (signsEnd && !(lastHash instanceof String hex && ChainHash.isHex(hex, 32))) {
            return report(0, 0, 0, first, last, 0, signed, false, new AuditProblem(last, Kind.MALFORMED,
                    "the header's last_hash (the hash of record " + last + ") is not 64 lower-case hex characters"));
        }
        boolean timed = !v1;
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
                } else if (type.equals("event") || type.equals("omitted") || (timed && type.equals("outside"))) {
                    boolean event = !type.equals("omitted");
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
                    if (problem.isEmpty() && event && timed) {
                        problem = period(seq, type, json, since, until);
                    }
                    events += event ? 1 : 0;
                    omitted += event ? 0 : 1;
                } else {
                    problem = Optional.of(new AuditProblem(at, Kind.MALFORMED, "unknown line type \"" + type + "\""));
                }
                if (problem.isPresent()) {
                    return report(events, omitted, checkpoints, first, last, lastSigned, signed, signsEnd,
                            problem.get());
                }
            } catch (DateTimeException | IllegalArgumentException | ClassCastException | NullPointerException e) {
                return report(events, omitted, checkpoints, first, last, lastSigned, signed, signsEnd,
                        new AuditProblem(at, Kind.MALFORMED, "bad line: " + e.getMessage()));
            }
        }
        if (cursor.lastSeq() != last) {
            return report(events, omitted, checkpoints, first, last, lastSigned, signed, signsEnd,
                    new AuditProblem(cursor.lastSeq() + 1, Kind.TRUNCATED, "the export stops at record "
                            + cursor.lastSeq() + " but its header says " + last));
        }
        if (signsEnd && !lastHash.equals(cursor.lastHash())) {
            long from = Math.max(lastSigned + 1, first);
            return report(events, omitted, checkpoints, first, last, lastSigned, signed, true, new AuditProblem(from,
                    Kind.REWRITTEN, "the records do not reach the hash the header signs for record " + last
                    + " (last_hash): records " + from + ".." + last + ", after the last checkpoint in the export, were "
                    + "changed (and re-hashed), or checkpoint lines removed to rewrite them"));
        }
        if (!signsEnd && lastSigned < last) {
            long from = Math.max(lastSigned + 1, first);
            return report(events, omitted, checkpoints, first, last, lastSigned, signed, false, new AuditProblem(from,
                    Kind.UNSIGNED, "records " + from + ".." + last + " are covered by no checkpoint in the export, and "
                    + (v2 ? "its header (format " + ExportFormat.FORMAT_V2 + ", from an older gateway) does not sign "
                    + "their hash" : "its header is not signed") + ": whoever held the file could have removed the "
                    + "checkpoints and rewritten them. Ask for a new export"
                    + (signed ? "" : ", written with the signing key")));
        }
        return new ExportReport(events, omitted, checkpoints, first, last, Math.max(lastSigned, 0), signed, signsEnd,
                Optional.empty());
    }

    /** The header's signature: by the given key, over the domain prefix and the header without it. */
    private Optional<AuditProblem> headerSignature(Map<String, Object> header) {
        Object keyId = header.get("key");
        if (!key.keyId().equals(keyId)) {
            return Optional.of(new AuditProblem(0, Kind.UNKNOWN_KEY, "the header is signed by key " + keyId
                    + ", not the given key " + key.keyId()));
        }
        boolean verifies;
        try {
            verifies = header.get("signature") instanceof String signature
                    && key.verify(ExportFormat.signedHeaderBytes(header), Base64.getDecoder().decode(signature));
        } catch (IllegalArgumentException notBase64) {
            verifies = false;
        }
        return verifies ? Optional.empty() : Optional.of(new AuditProblem(0, Kind.SPAN, "the header's signature does "
                + "not verify: its tenant, period, span (first_seq, last_seq) or last_hash was changed, or the signature "
                + "forged"));
    }

    /** An {@code event} line happened in {@code [since, until)}; an {@code outside} line did not. */
    @SuppressWarnings("unchecked")
    private static Optional<AuditProblem> period(long seq, String type, Map<String, Object> line, Instant since,
                                                 Instant until) {
        Instant at = Instant.parse(JsonReader.string((Map<String, Object>) line.get("event"), "at"));
        boolean inside = !at.isBefore(since) && at.isBefore(until);
        if (inside == type.equals("event")) {
            return Optional.empty();
        }
        return Optional.of(new AuditProblem(seq, Kind.SPAN, "record " + seq + " happened at " + at + (inside
                ? ", inside" : ", outside") + " the export's period [" + since + ", " + until + "), but is shown as "
                + (inside ? "outside it" : "in it")));
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
                                       long lastSigned, boolean signed, boolean signsEnd, AuditProblem problem) {
        return new ExportReport(events, omitted, checkpoints, first, last, Math.max(lastSigned, 0), signed, signsEnd,
                Optional.of(problem));
    }
}
