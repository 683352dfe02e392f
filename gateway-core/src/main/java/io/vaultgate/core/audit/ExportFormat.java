package io.vaultgate.core.audit;

import io.vaultgate.core.audit.json.JsonReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lines of an audit export (JSON lines, each in canonical JSON):
 * <pre>
 * {"type":"header","format":"vaultgate.audit.export.v2","since":..,"until":..,"tenant":..,"actor":..,
 *  "first_seq":a,"last_seq":c,"exported_at":..,"key":..,"signature":..}
 * {"type":"event","seq":n,"prev_hash":..,"tag":..,"nonce":..,"event":{the canonical event},"hash":..}
 * {"type":"outside",...as an event...}   a record the filter matches whose time lies outside [since, until)
 * {"type":"omitted","seq":n,"prev_hash":..,"tag":..,"digest":..,"hash":..}   a record the filter leaves out
 * {"type":"checkpoint","seq":n,"hash":..,"signed_at":..,"key":..,"signature":..}   after record n
 * </pre>
 * An omitted record shows only its digest, a hiding commitment (see {@link ChainHash}), so the chain stays
 * checkable without showing anything of another tenant's events; its tag tells a tenant holding its
 * {@link TenantTagKey} whether it is one of theirs (which a tenant export must never omit).
 *
 * <p>The header's {@code signature} is the gateway's Ed25519 signature, with the audit key, over
 * {@value #HEADER_DOMAIN} followed by the canonical JSON of the header without its {@code signature}: it fixes
 * the tenant, actor, period and span ({@code first_seq..last_seq}) the export claims, which no checkpoint covers.
 * The prefix keeps it from ever verifying as a checkpoint, receipt or report (all signed over bare JSON), or they
 * as it. Format v1 (older gateways) had no signature and no {@code outside} lines.
 */
final class ExportFormat {

    static final String FORMAT = "vaultgate.audit.export.v2";
    /** The unsigned format of older gateways, checked only when the verifier is told to accept it. */
    static final String FORMAT_V1 = "vaultgate.audit.export.v1";
    static final String HEADER_DOMAIN = "vaultgate-audit-export-v2\n";

    private ExportFormat() {
    }

    /** The bytes a header's signature covers: the domain prefix, then the header without its signature. */
    static byte[] signedHeaderBytes(Map<String, Object> header) {
        Map<String, Object> signed = new LinkedHashMap<>(header);
        signed.remove("signature");
        byte[] json = io.vaultgate.core.audit.json.CanonicalJson.bytes(signed);
        byte[] prefix = HEADER_DOMAIN.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(prefix, prefix.length + json.length);
        System.arraycopy(json, 0, bytes, prefix.length, json.length);
        return bytes;
    }

    /** A record the filter matches, shown in full: as an {@code event} if in the period, else as {@code outside}. */
    static Map<String, Object> shown(AuditRecord record, boolean inPeriod) {
        Map<String, Object> line = event(record);
        line.put("type", inPeriod ? "event" : "outside");
        return line;
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
