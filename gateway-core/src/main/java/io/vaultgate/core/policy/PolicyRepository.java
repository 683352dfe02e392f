package io.vaultgate.core.policy;

import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.tenant.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The SQL of the {@code data_policies} and {@code data_policy_acks} tables (migration V8); nothing else touches them. */
final class PolicyRepository {

    private static final String COLUMNS = "tenant_id, version, sha256, text, published_by, published_at";

    void insert(Jdbc jdbc, DataPolicy policy) throws SQLException {
        jdbc.update("INSERT INTO data_policies (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)", policy.tenant().value(),
                policy.version(), policy.sha256(), policy.text(), policy.publishedBy(),
                policy.publishedAt().toEpochMilli());
    }

    /**
     * Locks the tenant's policies until the transaction ends, so that concurrent publishers (on several nodes)
     * take version numbers one after the other; false if the tenant does not exist. The tenant's row is the
     * lock: an aggregate cannot be selected for update. Nothing on SQLite, whose writers never interleave.
     */
    boolean lockForPublishing(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.queryOne("SELECT id FROM tenants WHERE id = ?" + jdbc.dialect().forUpdate(),
                row -> row.getString(1), tenant.value()).isPresent();
    }

    /** The tenant's highest version number, 0 if it never published one. */
    int currentVersion(Jdbc jdbc, TenantId tenant) throws SQLException {
        return (int) jdbc.count("SELECT COALESCE(MAX(version), 0) FROM data_policies WHERE tenant_id = ?",
                tenant.value());
    }

    Optional<DataPolicy> find(Jdbc jdbc, TenantId tenant, int version) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM data_policies WHERE tenant_id = ? AND version = ?",
                PolicyRepository::policy, tenant.value(), version);
    }

    List<DataPolicy> history(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM data_policies WHERE tenant_id = ? ORDER BY version",
                PolicyRepository::policy, tenant.value());
    }

    boolean acknowledged(Jdbc jdbc, TenantId tenant, int version, String operatorId) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM data_policy_acks WHERE tenant_id = ? AND version = ? "
                + "AND operator_id = ?", tenant.value(), version, operatorId) > 0;
    }

    /** Records an acknowledgement; false if the operator had acknowledged that version already (perhaps just now, on another node). */
    boolean insertAck(Jdbc jdbc, PolicyAck ack) throws SQLException {
        return jdbc.update("INSERT INTO data_policy_acks (tenant_id, version, operator_id, recorded_by, acknowledged_at) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, version, operator_id) DO NOTHING",
                ack.tenant().value(), ack.version(), ack.operatorId(), ack.recordedBy(),
                ack.acknowledgedAt().toEpochMilli()) == 1;
    }

    List<PolicyAck> acks(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.query("SELECT a.tenant_id, a.version, a.operator_id, o.username, a.recorded_by, a.acknowledged_at "
                + "FROM data_policy_acks a JOIN operators o ON o.id = a.operator_id WHERE a.tenant_id = ? "
                + "ORDER BY a.acknowledged_at, o.username", row -> new PolicyAck(TenantId.of(row.getString(1)),
                row.getInt(2), row.getString(3), row.getString(4), row.getString(5),
                Instant.ofEpochMilli(row.getLong(6))), tenant.value());
    }

    private static DataPolicy policy(ResultSet row) throws SQLException {
        return new DataPolicy(TenantId.of(row.getString(1)), row.getInt(2), row.getString(3), row.getString(4),
                row.getString(5), Instant.ofEpochMilli(row.getLong(6)));
    }
}
