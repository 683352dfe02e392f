package io.vaultgate.core.catalog;

import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.tenant.Protocol;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Operators of BPO sites and their SSH keys. */
public final class OperatorRepository {

    /** An operator row: id, site and login name. */
    public record OperatorRow(String id, String siteId, String username) {
        public OperatorPrincipal principal(Protocol protocol) {
            return new OperatorPrincipal(id, username, siteId, protocol);
        }
    }

    public void insert(Jdbc jdbc, OperatorRow operator, Instant now) throws SQLException {
        jdbc.update("INSERT INTO operators (id, site_id, username, created_at) VALUES (?, ?, ?, ?)", operator.id(),
                operator.siteId(), operator.username(), now.toEpochMilli());
    }

    public Optional<OperatorRow> findByUsername(Jdbc jdbc, String username) throws SQLException {
        return jdbc.queryOne("SELECT id, site_id, username FROM operators WHERE username = ?",
                row -> new OperatorRow(row.getString(1), row.getString(2), row.getString(3)), username);
    }

    public Optional<OperatorRow> findById(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT id, site_id, username FROM operators WHERE id = ?",
                row -> new OperatorRow(row.getString(1), row.getString(2), row.getString(3)), id);
    }

    public void addSshKey(Jdbc jdbc, String operatorId, SshPublicKey key, Instant now) throws SQLException {
        jdbc.update("INSERT INTO operator_ssh_keys (operator_id, fingerprint, public_key, created_at) "
                + "VALUES (?, ?, ?, ?)", operatorId, key.fingerprint(), key.openSshLine(), now.toEpochMilli());
    }

    public boolean hasSshKey(Jdbc jdbc, String operatorId, String fingerprint) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM operator_ssh_keys WHERE operator_id = ? AND fingerprint = ?",
                operatorId, fingerprint) > 0;
    }
}
