package io.vaultgate.core.report;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.AuditVerifier;
import io.vaultgate.core.audit.VerificationReport;
import io.vaultgate.core.audit.json.CanonicalJson;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.policy.DataPolicy;
import io.vaultgate.core.policy.PolicyAck;
import io.vaultgate.core.policy.PolicyHistory;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a tenant's signed transparency report for one month, from the audit log and the catalog only
 * (no key provider, no master secret): encryption suites and KEK versions in use, KEK rotations, every
 * operator access to the tenant's files, forwards and the certificates pinned for each site, failed
 * access attempts, retention actions, shredding, data-handling policy acknowledgements, and whether the
 * audit chain verified. The JSON is canonical ({@link CanonicalJson}) with {@code "type": }{@value #TYPE}
 * and the signing key's id; it and its HTML rendering are each signed with the gateway's Ed25519 audit key
 * (see {@link SignedReport} and docs/security.md for the offline check).
 */
public final class TransparencyReports {

    public static final String TYPE = "vaultgate-transparency-report-v1";
    static final String PAYLOAD_SUITE = "AES-256-GCM in 64 KiB segments, per-file key derived by HKDF-SHA256 from a "
            + "random 256-bit data key (container v1, suite 1)";

    private final Database database;
    private final AuditSigningKey key;
    private final Clock clock;
    private final TenantRepository tenants = new TenantRepository();
    private final TenantHistory history = new TenantHistory();

    public TransparencyReports(Database database, AuditSigningKey key, Clock clock) {
        this.database = database;
        this.key = key;
        this.clock = clock;
    }

    public SignedReport generate(TenantId tenantId, ReportPeriod period, WorkProgress progress) {
        Tenant tenant = database.read(jdbc -> tenants.find(jdbc, tenantId)).orElseThrow(
                () -> new GatewayException(Reason.NOT_FOUND, "tenant " + tenantId + " does not exist"));
        VerificationReport chain = new AuditVerifier(database, Optional.of(key.publicKey()), clock).verify();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("type", TYPE);
        report.put("key", key.keyId());
        report.put("generated_at", clock.instant().toString());
        report.put("tenant", Map.of("id", tenant.id().value(), "name", tenant.name(), "status", tenant.status().name(),
                "created_at", tenant.createdAt().toString(), "retention", tenant.retention().toString()));
        report.put("period", Map.of("month", period.toString(), "from", period.from().toString(),
                "until", period.until().toString()));
        HistorySections sections = database.read(jdbc -> sections(jdbc, tenant, period, progress));
        report.put("encryption", database.read(jdbc -> encryption(jdbc, tenantId)));
        report.put("kek_versions", database.read(jdbc -> kekVersions(jdbc, tenant, period)));
        report.put("key_operations", sections.keyOperations);
        report.put("operator_access", sections.operatorAccess);
        report.put("forwards", sections.forwards);
        report.put("sites", database.read(jdbc -> new SiteCertificates().of(jdbc, tenantId, sections)));
        report.put("failed_access", sections.failedAccess);
        report.put("retention_actions", sections.retention);
        report.put("shredding", sections.shredding);
        report.put("policy", policy(tenantId, period, sections));
        report.put("tenant_changes", sections.tenantChanges);
        report.put("account_changes", sections.accountChanges);
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put("events_in_period", sections.events);
        audit.put("first_seq", sections.firstSeq);
        audit.put("last_seq", sections.lastSeq);
        audit.put("chain_intact", chain.ok());
        audit.put("chain", chain.summary());
        report.put("audit", audit);
        byte[] json = CanonicalJson.bytes(report);
        byte[] html = ReportHtml.render(report, SignedReport.sha256Hex(json)).getBytes(StandardCharsets.UTF_8);
        return new SignedReport(json, key.sign(json), html, key.sign(html));
    }

    private HistorySections sections(Jdbc jdbc, Tenant tenant, ReportPeriod period, WorkProgress progress)
            throws SQLException {
        Set<String> operators = new HashSet<>(jdbc.query("SELECT username FROM operators", row -> row.getString(1)));
        operators.removeAll(jdbc.query("SELECT username FROM accounts WHERE tenant_id = ?", row -> row.getString(1),
                tenant.id().value()));
        HistorySections sections = new HistorySections(operators::contains);
        progress.total(history.count(jdbc, tenant.id(), period.from(), period.until()));
        history.forEach(jdbc, tenant.id(), period.from(), period.until(), sections::accept, progress::advance);
        return sections;
    }

    /** The payload suite, and the key slots by provider and KEK version (as of generation). */
    private static Map<String, Object> encryption(Jdbc jdbc, TenantId tenant) throws SQLException {
        List<Map<String, Object>> wraps = jdbc.query("SELECT ks.provider, ks.kek_version, COUNT(*) FROM key_slots ks "
                + "JOIN files f ON f.id = ks.file_id WHERE f.tenant_id = ? GROUP BY ks.provider, ks.kek_version "
                + "ORDER BY ks.provider, ks.kek_version", row -> {
                    Map<String, Object> wrap = new LinkedHashMap<>();
                    wrap.put("provider", row.getString(1));
                    wrap.put("kek_version", row.getLong(2));
                    wrap.put("files", row.getLong(3));
                    wrap.put("wrap", "AES-256-GCM under the tenant's KEK, bound to tenant, file and KEK version");
                    return wrap;
                }, tenant.value());
        return Map.of("payload_suite", PAYLOAD_SUITE, "key_slots", wraps);
    }

    /** Version 1 from the tenant's creation, then every rotation recorded in the audit log up to the period's end. */
    private List<Map<String, Object>> kekVersions(Jdbc jdbc, Tenant tenant, ReportPeriod period) throws SQLException {
        List<Map<String, Object>> versions = new ArrayList<>();
        versions.add(Map.of("version", 1L, "created_at", tenant.createdAt().toString(), "by", "tenant creation",
                "emergency", false));
        for (TenantHistory.Event rotation : history.kekOperations(jdbc, tenant.id(), period.until())) {
            String kek = rotation.text("subject");
            long version = Long.parseLong(kek.substring(kek.lastIndexOf("/v") + 2));
            versions.add(Map.of("version", version, "created_at", rotation.at().toString(), "by", rotation.actor(),
                    "emergency", rotation.text("detail").startsWith("emergency")));
        }
        return versions;
    }

    private Map<String, Object> policy(TenantId tenant, ReportPeriod period, HistorySections sections) {
        PolicyHistory policies = new PolicyHistory(database);
        List<DataPolicy> versions = policies.versions(tenant).stream()
                .filter(p -> p.publishedAt().isBefore(period.until())).toList();
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("current_version", versions.isEmpty() ? null : (long) versions.get(versions.size() - 1).version());
        policy.put("versions", versions.stream().map(p -> Map.<String, Object>of("version", (long) p.version(),
                "sha256", p.sha256(), "published_at", p.publishedAt().toString())).toList());
        List<Map<String, Object>> acks = new ArrayList<>();
        for (PolicyAck ack : policies.acknowledgements(tenant)) {
            if (!ack.acknowledgedAt().isBefore(period.from()) && ack.acknowledgedAt().isBefore(period.until())) {
                acks.add(Map.of("operator", ack.operator(), "version", (long) ack.version(),
                        "at", ack.acknowledgedAt().toString(), "recorded_by", ack.recordedBy()));
            }
        }
        policy.put("acknowledgements", acks);
        policy.put("events", sections.policyEvents);
        return policy;
    }
}
