package io.vaultgate.core.catalog;

import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.tenant.Protocol;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Operators of BPO sites and their SSH keys. Removed operators are invisible to every lookup but {@link #exists}. */
public final class OperatorRepository {

    private static final String ACTIVE = "SELECT id, site_id, username FROM operators WHERE removed_at IS NULL";

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
        return jdbc.queryOne(ACTIVE + " AND username = ?", OperatorRepository::row, username);
    }

    public Optional<OperatorRow> findById(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne(ACTIVE + " AND id = ?", OperatorRepository::row, id);
    }

    /** The site's operators (all sites' when {@code siteId} is empty), by username. */
    public List<OperatorRow> active(Jdbc jdbc, Optional<String> siteId) throws SQLException {
        return siteId.isPresent()
                ? jdbc.query(ACTIVE + " AND site_id = ? ORDER BY username", OperatorRepository::row, siteId.get())
                : jdbc.query(ACTIVE + " ORDER BY username", OperatorRepository::row);
    }

    /** Whether an operator, removed ones included, ever had this username (usernames are never reused). */
    public boolean exists(Jdbc jdbc, String username) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM operators WHERE username = ?", username) > 0;
    }

    /**
     * Whether the operator is still active, locking its row until the transaction ends: a claim takes this lock and
     * a removal's {@link #markRemoved} takes it too, so on PostgreSQL one waits for the other and sees its outcome.
     */
    public boolean lockActive(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT id FROM operators WHERE id = ? AND removed_at IS NULL" + jdbc.dialect().forUpdate(),
                row -> row.getString(1), id).isPresent();
    }

    /** Marks the operator removed; false if it already was. */
    public boolean markRemoved(Jdbc jdbc, String id, Instant now) throws SQLException {
        return jdbc.update("UPDATE operators SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                now.toEpochMilli(), id) == 1;
    }

    /** Fingerprints of the operator's SSH keys. */
    public List<String> sshKeys(Jdbc jdbc, String operatorId) throws SQLException {
        return jdbc.query("SELECT fingerprint FROM operator_ssh_keys WHERE operator_id = ? ORDER BY fingerprint",
                row -> row.getString(1), operatorId);
    }

    public void deleteSshKeys(Jdbc jdbc, String operatorId) throws SQLException {
        jdbc.update("DELETE FROM operator_ssh_keys WHERE operator_id = ?", operatorId);
    }

    public void addSshKey(Jdbc jdbc, String operatorId, SshPublicKey key, Instant now) throws SQLException {
        jdbc.update("INSERT INTO operator_ssh_keys (operator_id, fingerprint, public_key, created_at) "
                + "VALUES (?, ?, ?, ?)", operatorId, key.fingerprint(), key.openSshLine(), now.toEpochMilli());
    }

    public boolean hasSshKey(Jdbc jdbc, String operatorId, String fingerprint) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM operator_ssh_keys WHERE operator_id = ? AND fingerprint = ?",
                operatorId, fingerprint) > 0;
    }

    private static OperatorRow row(java.sql.ResultSet row) throws SQLException {
        return new OperatorRow(row.getString(1), row.getString(2), row.getString(3));
    }
}
