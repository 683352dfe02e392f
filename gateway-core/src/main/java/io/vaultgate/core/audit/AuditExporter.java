package io.vaultgate.core.audit;

import io.vaultgate.core.audit.json.CanonicalJson;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes an audit export (format in {@link ExportFormat}): every record from the first that matches the
 * filter up to the first signed checkpoint at or after the last that matches (or the head, if none is
 * signed yet), the matching ones in full and the rest as digests, with the checkpoints among them. The
 * result is verifiable offline with only the gateway's public key ({@link ExportVerifier}). Records the filter
 * matches whose time lies outside the period (the tail up to the closing checkpoint, or a neighbour appended out of
 * time order) are shown as {@code outside}. With the signing key the header is signed, which fixes the tenant,
 * period and span the export claims and the hash of its last record, so the whole span is signed even where no
 * checkpoint closes it yet (a record appended between the command's checkpoint and the export).
 */
public final class AuditExporter {

    private static final int PAGE = 1000;

    private final Database database;
    private final AuditRepository rows = new AuditRepository();
    private final Clock clock;
    private final Optional<AuditSigningKey> key;

    /** Writes exports whose header is not signed: a tenant's verifier refuses them unless told to accept that. */
    public AuditExporter(Database database, Clock clock) {
        this(database, clock, Optional.empty());
    }

    /** With {@code key}, signs each export's header (its tenant, actor, period and span). */
    public AuditExporter(Database database, Clock clock, Optional<AuditSigningKey> key) {
        this.database = database;
        this.clock = clock;
        this.key = key;
    }

    /**
     * What was written. {@code signedToEnd}: a signature covers the last record, the closing checkpoint's or the
     * header's; without the key and a closing checkpoint, the export's last records prove nothing and it fails
     * verification.
     */
    public record Summary(long events, long omitted, long checkpoints, long firstSeq, long lastSeq, boolean signedToEnd,
                          boolean headerSigned) {
    }

    public Summary export(ExportFilter filter, Writer out) throws IOException {
        try {
            return database.read(jdbc -> write(jdbc, filter, out));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private Summary write(Jdbc jdbc, ExportFilter filter, Writer out) throws SQLException {
        AuditRepository.Head head = rows.head(jdbc);
        Optional<long[]> bounds = rows.bounds(jdbc, filter.since(), filter.until(),
                filter.tenant().map(Object::toString), filter.actor());
        long first = bounds.map(b -> b[0]).orElse(1L); // an empty export: records 1..0
        List<Checkpoint> near = bounds.isEmpty() ? List.of() : rows.checkpoints(jdbc, first, bounds.get()[1]);
        Optional<Checkpoint> closing = near.stream().filter(c -> c.seq() >= bounds.get()[1]).findFirst();
        long last = bounds.isEmpty() ? 0 : closing.map(Checkpoint::seq).orElse(head.seq());
        List<Checkpoint> checkpoints = near.stream().filter(c -> c.seq() <= last).toList();
        String lastHash = last == 0 ? ChainHash.GENESIS
                : rows.page(jdbc, last - 1, last, 1).stream().findFirst().map(AuditRecord::hash).orElse(null);
        line(out, header(filter, first, last, lastHash));
        long events = 0;
        long omitted = 0;
        int nextCheckpoint = 0;
        for (long after = first - 1; after < last; ) {
            List<AuditRecord> page = rows.page(jdbc, after, last, PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (AuditRecord record : page) {
                boolean shown = filter.shows(record);
                line(out, shown ? ExportFormat.shown(record, filter.covers(record.occurredAt()))
                        : ExportFormat.omitted(record));
                events += shown ? 1 : 0;
                omitted += shown ? 0 : 1;
                while (nextCheckpoint < checkpoints.size() && checkpoints.get(nextCheckpoint).seq() <= record.seq()) {
                    if (checkpoints.get(nextCheckpoint).seq() == record.seq()) {
                        line(out, checkpoints.get(nextCheckpoint).toJson());
                    }
                    nextCheckpoint++;
                }
                after = record.seq();
            }
        }
        return new Summary(events, omitted, checkpoints.size(), first, last, closing.isPresent() || key.isPresent(),
                key.isPresent());
    }

    /** {@code lastHash}: the chain hash of record {@code last} as the catalog holds it (null if there is none). */
    private Map<String, Object> header(ExportFilter filter, long first, long last, String lastHash) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("type", "header");
        header.put("format", ExportFormat.FORMAT);
        header.put("since", filter.since().toString());
        header.put("until", filter.until().toString());
        header.put("tenant", filter.tenant().map(Object::toString).orElse(null));
        header.put("actor", filter.actor().orElse(null));
        header.put("first_seq", first);
        header.put("last_seq", last);
        header.put("last_hash", lastHash);
        header.put("exported_at", clock.instant().toString());
        header.put("key", key.map(AuditSigningKey::keyId).orElse(null));
        header.put("signature", null);
        key.ifPresent(signer -> header.put("signature",
                Base64.getEncoder().encodeToString(signer.sign(ExportFormat.signedHeaderBytes(header)))));
        return header;
    }

    private static void line(Writer out, Map<String, Object> json) {
        try {
            out.write(CanonicalJson.text(json));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
