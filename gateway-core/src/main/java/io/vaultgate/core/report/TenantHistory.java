package io.vaultgate.core.report;

import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a tenant's audit events from the catalog's {@code audit_events} table, page by page in chain
 * order, so a report over a long history needs little memory. Read-only: the chain itself is checked by
 * {@link io.vaultgate.core.audit.AuditVerifier}.
 */
final class TenantHistory {

    private static final int PAGE = 1000;

    /** One event: its place in the chain and its hashed JSON. */
    record Event(long seq, Instant at, String kind, String actor, Map<String, Object> json) {

        String text(String key) {
            Object value = json.get(key);
            return value == null ? "" : value.toString();
        }

        long number(String key) {
            Object value = json.get(key);
            return value instanceof Number n ? n.longValue() : 0;
        }
    }

    long count(Jdbc jdbc, TenantId tenant, Instant from, Instant until) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM audit_events WHERE tenant_id = ? AND occurred_at >= ? "
                + "AND occurred_at < ?", tenant.value(), from.toEpochMilli(), until.toEpochMilli());
    }

    /** The tenant's key operations other than per-file ones (rotations, emergency summaries) before {@code until}. */
    List<Event> kekOperations(Jdbc jdbc, TenantId tenant, Instant until) throws SQLException {
        return jdbc.query("SELECT seq, occurred_at, kind, actor, event FROM audit_events WHERE tenant_id = ? "
                + "AND kind = 'key.operation' AND occurred_at < ? ORDER BY seq", row -> new Event(row.getLong(1),
                Instant.ofEpochMilli(row.getLong(2)), row.getString(3), row.getString(4),
                JsonReader.parseObject(row.getString(5))), tenant.value(), until.toEpochMilli()).stream()
                .filter(event -> event.text("action").equals("ROTATE")).toList();
    }

    /** Every event of the tenant in {@code [from, until)}, oldest first; {@code pageDone} after each page. */
    void forEach(Jdbc jdbc, TenantId tenant, Instant from, Instant until, Consumer<Event> each,
                 Consumer<Integer> pageDone) throws SQLException {
        long after = Long.MIN_VALUE;
        while (true) {
            List<Event> page = jdbc.query("SELECT seq, occurred_at, kind, actor, event FROM audit_events "
                    + "WHERE tenant_id = ? AND occurred_at >= ? AND occurred_at < ? AND seq > ? ORDER BY seq LIMIT "
                    + PAGE, row -> new Event(row.getLong(1), Instant.ofEpochMilli(row.getLong(2)), row.getString(3),
                    row.getString(4), JsonReader.parseObject(row.getString(5))), tenant.value(), from.toEpochMilli(),
                    until.toEpochMilli(), after);
            page.forEach(each);
            pageDone.accept(page.size());
            if (page.size() < PAGE) {
                return;
            }
            after = page.get(page.size() - 1).seq();
        }
    }
}
