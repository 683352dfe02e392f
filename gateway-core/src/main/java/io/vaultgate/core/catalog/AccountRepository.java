package io.vaultgate.core.catalog;

import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Client accounts and their credentials (SSH key fingerprints, password hashes). */
public final class AccountRepository {

    private static final String COLUMNS = "id, tenant_id, username, expires_at, created_at";

    public void insert(Jdbc jdbc, Account account) throws SQLException {
        jdbc.update("INSERT INTO accounts (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)",
                account.id(), account.tenant().value(), account.username(),
                account.expiresAt().map(Instant::toEpochMilli).orElse(null), account.createdAt().toEpochMilli());
    }

    public Optional<Account> findByUsername(Jdbc jdbc, String username) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM accounts WHERE username = ?",
                AccountRepository::map, username);
    }

    public List<Account> listByTenant(Jdbc jdbc, TenantId tenant) throws SQLException {
        return jdbc.query("SELECT " + COLUMNS + " FROM accounts WHERE tenant_id = ? ORDER BY username",
                AccountRepository::map, tenant.value());
    }

    public void addSshKey(Jdbc jdbc, String accountId, SshPublicKey key, Instant now) throws SQLException {
        jdbc.update("INSERT INTO account_ssh_keys (account_id, fingerprint, public_key, created_at) "
                + "VALUES (?, ?, ?, ?)", accountId, key.fingerprint(), key.openSshLine(), now.toEpochMilli());
    }

    public boolean hasSshKey(Jdbc jdbc, String accountId, String fingerprint) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM account_ssh_keys WHERE account_id = ? AND fingerprint = ?",
                accountId, fingerprint) > 0;
    }

    public List<String> sshKeyFingerprints(Jdbc jdbc, String accountId) throws SQLException {
        return jdbc.query("SELECT fingerprint FROM account_ssh_keys WHERE account_id = ? ORDER BY fingerprint",
                row -> row.getString(1), accountId);
    }

    public void addCertificate(Jdbc jdbc, String accountId, String sha256Fingerprint, String subject, Instant now)
            throws SQLException {
        jdbc.update("INSERT INTO account_certificates (account_id, fingerprint, subject, created_at) VALUES (?, ?, ?, ?)",
                accountId, sha256Fingerprint, subject, now.toEpochMilli());
    }

    public Optional<Account> findByCertificate(Jdbc jdbc, String sha256Fingerprint) throws SQLException {
        return jdbc.queryOne("SELECT a.id, a.tenant_id, a.username, a.expires_at, a.created_at FROM accounts a "
                + "JOIN account_certificates c ON c.account_id = a.id WHERE c.fingerprint = ?", AccountRepository::map,
                sha256Fingerprint);
    }

    public void setPasswordHash(Jdbc jdbc, String accountId, String hash) throws SQLException {
        jdbc.update("UPDATE accounts SET password_hash = ? WHERE id = ?", hash, accountId);
    }

    public Optional<String> passwordHash(Jdbc jdbc, String accountId) throws SQLException {
        return jdbc.query("SELECT password_hash FROM accounts WHERE id = ? AND password_hash IS NOT NULL",
                row -> row.getString(1), accountId).stream().findFirst();
    }

    public Optional<Account> findById(Jdbc jdbc, String id) throws SQLException {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM accounts WHERE id = ?", AccountRepository::map, id);
    }

    private static Account map(ResultSet row) throws SQLException {
        long expires = row.getLong("expires_at");
        Optional<Instant> expiresAt = row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires));
        return new Account(row.getString("id"), new TenantId(row.getString("tenant_id")),
                row.getString("username"), expiresAt, Instant.ofEpochMilli(row.getLong("created_at")));
    }
}
