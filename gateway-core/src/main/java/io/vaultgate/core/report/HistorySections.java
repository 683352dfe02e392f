package io.vaultgate.core.report;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sorts a tenant's audit events of the period into the report's sections: operators' accesses (claims,
 * completions, reads; batches abandoned when their site was removed, and those that ended with no files before any
 * operator claimed them), forwards (and those abandoned), failed access
 * attempts (refused logins, and live sessions of the tenant's accounts ended by the session check, {@code
 * session.ended}), retention actions, shredding and deletions, key operations and policy events. {@code isOperator}
 * tells operators from the tenant's own accounts. An operator's read is one row: its {@code file.downloaded} (with the bytes read), or, when the read was cut off before the file was
 * closed (a crash, a killed node), its {@code file.download_started}, marked as having no recorded end.
 */
final class HistorySections {

    final List<Map<String, Object>> operatorAccess = new ArrayList<>();
    final List<Map<String, Object>> forwards = new ArrayList<>();
    final List<Map<String, Object>> failedAccess = new ArrayList<>();
    final List<Map<String, Object>> retention = new ArrayList<>();
    final List<Map<String, Object>> shredding = new ArrayList<>();
    final List<Map<String, Object>> keyOperations = new ArrayList<>();
    final List<Map<String, Object>> policyEvents = new ArrayList<>();
    final List<Map<String, Object>> tenantChanges = new ArrayList<>();
    final List<Map<String, Object>> accountChanges = new ArrayList<>();
    /** Rows of reads started and not yet closed, by operator and file, oldest first. */
    private final Map<String, Deque<Map<String, Object>>> readsWithoutEnd = new HashMap<>();
    long events;
    long firstSeq;
    long lastSeq;

    private final Predicate<String> isOperator;

    HistorySections(Predicate<String> isOperator) {
        this.isOperator = isOperator;
    }

    void accept(TenantHistory.Event event) {
        events++;
        firstSeq = firstSeq == 0 ? event.seq() : firstSeq;
        lastSeq = event.seq();
        switch (event.kind()) {
            case "batch.claimed", "batch.completed" -> operatorAccess.add(row(event, "operator", event.actor(),
                    "action", event.kind(), "batch", event.text("batch"), "site", event.text("site")));
            case "batch.released" -> operatorAccess.add(row(event, "operator", event.text("holder"), "action",
                    event.kind() + " (" + event.text("reason") + ")", "batch", event.text("batch"), "site",
                    event.text("site")));
            case "batch.access_ended" -> operatorAccess.add(row(event, "operator", event.actor(), "action",
                    event.kind() + " (" + event.text("reason") + ")", "batch", event.text("batch"), "file",
                    event.text("file"), "path", event.text("path")));
            case "batch.abandoned", "batch.emptied" -> operatorAccess.add(row(event, "action", event.kind() + " ("
                    + event.text("reason") + ")", "batch", event.text("batch"), "site", event.text("site")));
            case "forward.abandoned" -> forwards.add(row(event, "file", event.text("file"), "site", event.text("site"),
                    "action", event.kind() + " (" + event.text("reason") + ")"));
            case "file.download_started" -> {
                if (isOperator.test(event.actor())) {
                    Map<String, Object> row = row(event, "operator", event.actor(), "action", event.kind()
                            + " (no end recorded: the read was cut off)", "file", event.text("file"), "path",
                            event.text("path"));
                    operatorAccess.add(row);
                    readsWithoutEnd.computeIfAbsent(read(event), key -> new ArrayDeque<>()).add(row);
                }
            }
            case "file.downloaded" -> {
                if (isOperator.test(event.actor())) {
                    Deque<Map<String, Object>> started = readsWithoutEnd.getOrDefault(read(event), new ArrayDeque<>());
                    if (!started.isEmpty()) {
                        removeLast(operatorAccess, started.poll());
                    }
                    operatorAccess.add(row(event, "operator", event.actor(), "action", event.kind(), "file",
                            event.text("file"), "path", event.text("path"), "bytes", event.number("bytes")));
                }
            }
            case "file.forwarded" -> {
                Map<String, Object> forward = row(event, "file", event.text("file"), "site", event.text("site"),
                        "sha256", event.text("sha256"));
                if (!event.text("site_certificate_sha256").isEmpty()) {
                    forward.put("site_certificate_sha256", event.text("site_certificate_sha256"));
                }
                forwards.add(forward);
            }
            case "auth.failed" -> failedAccess.add(row(event, "actor", event.actor(), "protocol",
                    event.text("protocol"), "source", event.text("source"), "reason", event.text("reason")));
            // access refused midway: the session check ended a live session of one of the tenant's accounts because
            // what admitted it (expiry, protocols, source networks) no longer held; a login then would have failed
            case "session.ended" -> failedAccess.add(row(event, "actor", event.actor(), "action", event.kind(),
                    "protocol", event.text("protocol"), "source", event.text("source"), "reason",
                    event.text("reason")));
            case "file.deleted" -> shredding.add(row(event, "actor", event.actor(), "action", "deleted (key slot "
                    + "removed)", "file", event.text("file"), "path", event.text("path")));
            case "key.operation" -> keyOperation(event);
            case "admin.change" -> {
                String action = event.text("action");
                List<Map<String, Object>> section = action.startsWith("POLICY_") ? policyEvents
                        // where the tenant's files go: who routed them to a site, or stopped it, and when
                        : action.startsWith("TENANT_") || action.startsWith("ROUTE_") ? tenantChanges
                        // an administrator can give an account a credential and use it: the tenant sees who did
                        : action.startsWith("ACCOUNT_") || action.startsWith("CREDENTIAL_") ? accountChanges : null;
                if (section != null) {
                    section.add(row(event, "actor", event.actor(), "action", action, "subject", event.text("subject")));
                }
            }
            default -> {
                // uploads and logins of the tenant's own accounts are not part of this report
            }
        }
    }

    private void keyOperation(TenantHistory.Event event) {
        String action = event.text("action");
        if (action.equals("SHRED")) {
            Map<String, Object> row = row(event, "actor", event.actor(), "action", "shredded (key slot destroyed)",
                    "file", event.text("subject"), "reason", event.text("detail"));
            (event.text("detail").equals("retention") ? retention : shredding).add(row);
        } else if (!action.equals("REWRAP") || event.text("detail").startsWith("emergency")) {
            keyOperations.add(row(event, "actor", event.actor(), "action", action, "kek", event.text("subject"),
                    "detail", event.text("detail")));
        }
    }

    private static String read(TenantHistory.Event event) {
        return event.actor() + '\u0000' + event.text("file");
    }

    /** Removes {@code row} itself (not an equal one), searching from the end, where it usually is. */
    private static void removeLast(List<Map<String, Object>> rows, Map<String, Object> row) {
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (rows.get(i) == row) {
                rows.remove(i);
                return;
            }
        }
    }

    /** One row: the event's time and sequence number, then the given key/value pairs. */
    static Map<String, Object> row(TenantHistory.Event event, Object... pairs) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("at", event.at().toString());
        row.put("seq", event.seq());
        for (int i = 0; i < pairs.length; i += 2) {
            row.put((String) pairs[i], pairs[i + 1]);
        }
        return row;
    }
}
