package io.vaultgate.core.audit;

import io.vaultgate.core.audit.json.JsonReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lines of an audit export (JSON lines, each in canonical JSON):
 * <pre>
 * {"type":"header","format":"vaultgate.audit.export.v1","since":..,"until":..,"tenant":..,"actor":..,
 *  "first_seq":a,"last_seq":c,"exported_at":..}
 * {"type":"event","seq":n,"prev_hash":..,"tag":..,"nonce":..,"event":{the canonical event},"hash":..}
 * {"type":"omitted","seq":n,"prev_hash":..,"tag":..,"digest":..,"hash":..}   a record the filter leaves out
 * {"type":"checkpoint","seq":n,"hash":..,"signed_at":..,"key":..,"signature":..}   after record n
 * </pre>
 * An omitted record shows only its digest, a hiding commitment (see {@link ChainHash}), so the chain stays
 * checkable without showing anything of another tenant's events; its tag tells a tenant holding its
 * {@link TenantTagKey} whether it is one of theirs (which a tenant export must never omit).
 */
final class ExportFormat {

    static final String FORMAT = "vaultgate.audit.export.v1";

    private ExportFormat() {
    }

    static Map<String, Object> event(AuditRecord record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "event");
        line.put("seq", record.seq());
        line.put("prev_hash", record.prevHash());
        line.put("tag", record.tag());
        line.put("nonce", record.nonce());
        line.put("event", JsonReader.parseObject(record.event()));
        line.put("hash", record.hash());
        return line;
    }

    static Map<String, Object> omitted(AuditRecord record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "omitted");
        line.put("seq", record.seq());
        line.put("prev_hash", record.prevHash());
        line.put("tag", record.tag());
        line.put("digest", record.digest());
        line.put("hash", record.hash());
        return line;
    }

    /** The digest an event line commits to, recomputed from its nonce and event. */
    static String digestOf(Map<String, Object> eventLine) {
        Object event = eventLine.get("event");
        if (!(event instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("an event line needs an \"event\" object");
        }
        String canonical = io.vaultgate.core.audit.json.CanonicalJson.text(event);
        return ChainHash.digest(JsonReader.string(eventLine, "nonce"), canonical.getBytes(StandardCharsets.UTF_8));
    }
}
