package io.vaultgate.core.catalog;

import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.TenantId;
import java.sql.ResultSet;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Client accounts and their credentials (SSH key fingerprints, client certificates, password hashes). */
public final class AccountRepository {

    private static final Logger LOG = LoggerFactory.getLogger(AccountRepository.class);

    private static final String COLUMNS = "id, tenant_id, username, expires_at, created_at";
    /** The length of {@code account_certificates.subject} (V5, {@code VARCHAR(500)}). */
    static final int SUBJECT_LENGTH = 500;

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

    /**
     * Registers a client certificate for an account, unless an account holds it already: a fingerprint is registered
     * to one account at most (V25's unique index), as a mutual-TLS login must find one account. Empty when it is now
     * the account's, for good once the transaction commits (and registrations an upgrade set aside for it, V25, are
     * resolved); otherwise the account holding it, which may be {@code accountId} itself, and nothing else was
     * changed, but for one thing: registered again to its own account from a catalog older than V34, which did not
     * record validity, the certificate's validity is recorded now. On PostgreSQL a concurrent transaction that
     * registered it first makes this one wait until it ends.
     */
    public Optional<Account> addCertificate(Jdbc jdbc, String accountId, X509Certificate certificate, Instant now)
            throws SQLException {
        String sha256Fingerprint = Fingerprints.sha256(certificate);
        String subject = certificate.getSubjectX500Principal().getName();
        long notBefore = certificate.getNotBefore().getTime();
        long notAfter = certificate.getNotAfter().getTime();
        while (jdbc.update("INSERT INTO account_certificates (account_id, fingerprint, subject, created_at, "
                + "not_before, not_after) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", accountId,
                sha256Fingerprint, storedSubject(subject), now.toEpochMilli(), notBefore, notAfter) == 0) {
            List<Account> holders = certificateHolders(jdbc, sha256Fingerprint);
            if (!holders.isEmpty()) {
                if (holders.get(0).id().equals(accountId)) {
                    jdbc.update("UPDATE account_certificates SET not_before = ?, not_after = ? WHERE account_id = ? "
                            + "AND fingerprint = ? AND not_after IS NULL", notBefore, notAfter, accountId,
                            sha256Fingerprint);
                }
                return Optional.of(holders.get(0));
            }
            // revoked between the two statements: the certificate is free again
        }
        jdbc.update("DELETE FROM account_certificate_conflicts WHERE fingerprint = ?", sha256Fingerprint);
        return Optional.empty();
    }

    /**
     * The subject as {@code account_certificates.subject} (at most {@value #SUBJECT_LENGTH} characters) keeps it: a
     * longer one is cut and ends in "…". It is shown to administrators, never matched (the fingerprint is the
     * certificate's identity), so a certificate is not refused for a long subject; PostgreSQL refused the insert.
     */
    static String storedSubject(String subject) {
        if (subject.length() <= SUBJECT_LENGTH) {
            return subject;
        }
        int end = SUBJECT_LENGTH - 1;
        if (Character.isHighSurrogate(subject.charAt(end - 1))) {
            end--;
        }
        return subject.substring(0, end) + "…";
    }

    /**
     * The account a client certificate logs in as. Fails closed: should the catalog ever hold the fingerprint for
     * more than one account (a catalog whose unique index was lost), no account is answered, so the login is refused
     * as for an unknown certificate, and the conflict is logged for an administrator to resolve.
     */
    public Optional<Account> findByCertificate(Jdbc jdbc, String sha256Fingerprint) throws SQLException {
        List<Account> holders = certificateHolders(jdbc, sha256Fingerprint);
        if (holders.size() > 1) {
            LOG.error("client certificate {} is registered to {} accounts ({}): its logins are refused until an "
                    + "administrator revokes it from all but the one it belongs to", sha256Fingerprint, holders.size(),
                    holders.stream().map(account -> account.username() + " of tenant " + account.tenant()).toList());
            return Optional.empty();
        }
        return holders.stream().findFirst();
    }

    private List<Account> certificateHolders(Jdbc jdbc, String sha256Fingerprint) throws SQLException {
        return jdbc.query("SELECT a.id, a.tenant_id, a.username, a.expires_at, a.created_at FROM accounts a "
                + "JOIN account_certificates c ON c.account_id = a.id WHERE c.fingerprint = ? ORDER BY c.created_at, "
                + "a.id", AccountRepository::map, sha256Fingerprint);
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
