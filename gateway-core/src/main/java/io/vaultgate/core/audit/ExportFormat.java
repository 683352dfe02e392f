package io.vaultgate.core.audit;

import io.vaultgate.core.audit.json.JsonReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lines of an audit export (JSON lines, each in canonical JSON):
 * <pre>
 * {"type":"header","format":"vaultgate.audit.export.v3","since":..,"until":..,"tenant":..,"actor":..,
 *  "first_seq":a,"last_seq":c,"last_hash":..,"exported_at":..,"key":..,"signature":..}
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
 * the tenant, actor, period and span ({@code first_seq..last_seq}) the export claims, which no checkpoint covers,
 * and {@code last_hash}, the chain hash of record {@code last_seq} (32 zero bytes for an empty export), which every
 * record of the span feeds into: so the header alone signs the records after the last checkpoint too, and removing
 * checkpoint lines frees none of them to be rewritten. The prefix keeps it from ever verifying as a checkpoint,
 * receipt or report (all signed over bare JSON), or they as it. Format v2 (older gateways) had no
 * {@code last_hash} (its header was signed after {@value #HEADER_DOMAIN_V2}), format v1 no signature and no
 * {@code outside} lines.
 */
final class ExportFormat {

    static final String FORMAT = "vaultgate.audit.export.v3";
    static final String HEADER_DOMAIN = "vaultgate-audit-export-v3\n";
    /**
     * The format of older gateways whose signed header has no {@code last_hash}: its records are proven only up to the
     * last checkpoint in the file, so the verifier accepts it only if a checkpoint covers its last record.
     */
    static final String FORMAT_V2 = "vaultgate.audit.export.v2";
    static final String HEADER_DOMAIN_V2 = "vaultgate-audit-export-v2\n";
    /** The unsigned format of older gateways, checked only when the verifier is told to accept it. */
    static final String FORMAT_V1 = "vaultgate.audit.export.v1";

    private ExportFormat() {
    }

    /**
     * The bytes a header's signature covers: the domain prefix of its format (v3, or v2 of older gateways), then the
     * header without its signature.
     */
    static byte[] signedHeaderBytes(Map<String, Object> header) {
        Map<String, Object> signed = new LinkedHashMap<>(header);
        signed.remove("signature");
        byte[] json = io.vaultgate.core.audit.json.CanonicalJson.bytes(signed);
        byte[] prefix = (FORMAT_V2.equals(header.get("format")) ? HEADER_DOMAIN_V2 : HEADER_DOMAIN)
                .getBytes(StandardCharsets.UTF_8);
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
