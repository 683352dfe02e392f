package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.auth.Credentials;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.session.LiveSessions;
import io.vaultgate.core.tenant.TenantId;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Revokes credentials of client accounts, operators, administrators and monitors: the credential stops working at once (deleted, or
 * marked revoked for tokens), a revocation row tells every node's session check to end the live sessions
 * that used it, and the change is audited with its actor and reason. Sessions on this node end at once.
 */
public final class Revocation {

    /** A login name's kind and id, as credentials are stored. */
    private record Owner(String kind, String id, String username, Optional<TenantId> tenant) {
    }

    private final Database database;
    private final AuditLog audit;
    private final LiveSessions sessions;
    private final SecureRandom random;
    private final Clock clock;

    public Revocation(Database database, AuditLog audit, LiveSessions sessions, SecureRandom random, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.sessions = sessions;
        this.random = random;
        this.clock = clock;
    }

    /** Revokes one SSH key of an account or operator, by its {@code SHA256:...} fingerprint. */
    public int revokeSshKey(String username, String fingerprint, String reason, String actor) {
        return revoke(username, reason, actor, (jdbc, owner) -> {
            String table = owner.kind().equals("account") ? "account_ssh_keys WHERE account_id"
                    : "operator_ssh_keys WHERE operator_id";
            if (jdbc.update("DELETE FROM " + table + " = ? AND fingerprint = ?", owner.id(), fingerprint) == 0) {
                throw new GatewayException(Reason.NOT_FOUND, username + " has no SSH key " + fingerprint);
            }
            return List.of(Credentials.sshKey(fingerprint));
        });
    }

    /** Revokes one API token given as its text (a leaked token) of this login name. */
    public int revokeToken(String username, String token, String reason, String actor) {
        String hash = ApiTokens.hash(token);
        return revoke(username, reason, actor, (jdbc, owner) -> {
            if (jdbc.update("UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND principal_kind = ? "
                    + "AND principal_id = ? AND revoked_at IS NULL", clock.millis(), hash, owner.kind(), owner.id()) == 0) {
                throw new GatewayException(Reason.NOT_FOUND, "no live token of " + username + " matches");
            }
            return List.of(Credentials.token(hash));
        });
    }

    /** Revokes every live API token of this login name (those issued after a TOTP check included). */
    public int revokeAllTokens(String username, String reason, String actor) {
        return revoke(username, reason, actor, (jdbc, owner) -> revokeTokens(jdbc, owner.kind(), owner.id()));
    }

    /** Marks every live token of the principal revoked, within {@code jdbc}'s transaction; returns their ids. */
    List<String> revokeTokens(Jdbc jdbc, String principalKind, String principalId) throws SQLException {
        List<String> hashes = jdbc.query("SELECT token_hash FROM api_tokens WHERE principal_kind = ? AND "
                + "principal_id = ? AND revoked_at IS NULL", row -> row.getString(1), principalKind, principalId);
        jdbc.update("UPDATE api_tokens SET revoked_at = ? WHERE principal_kind = ? AND principal_id = ? "
                + "AND revoked_at IS NULL", clock.millis(), principalKind, principalId);
        return hashes.stream().map(Credentials::token).toList();
    }

    /** Revokes a client certificate of an account, by the SHA-256 of its DER encoding (hex). */
    public int revokeCertificate(String username, String sha256, String reason, String actor) {
        String fingerprint = sha256.toLowerCase(java.util.Locale.ROOT).replace(":", "");
        return revoke(username, reason, actor, (jdbc, owner) -> {
            if (!owner.kind().equals("account") || jdbc.update("DELETE FROM account_certificates WHERE account_id = ? "
                    + "AND fingerprint = ?", owner.id(), fingerprint) == 0) {
                throw new GatewayException(Reason.NOT_FOUND, username + " has no client certificate " + fingerprint);
            }
            return List.of(Credentials.certificate(fingerprint));
        });
    }

    /** Removes an account's password. */
    public int revokePassword(String username, String reason, String actor) {
        return revoke(username, reason, actor, (jdbc, owner) -> {
            if (!owner.kind().equals("account") || jdbc.update("UPDATE accounts SET password_hash = NULL WHERE id = ? "
                    + "AND password_hash IS NOT NULL", owner.id()) == 0) {
                throw new GatewayException(Reason.NOT_FOUND, username + " has no password");
            }
            return List.of(Credentials.password(owner.id()));
        });
    }

    @FunctionalInterface
    private interface Change {
        List<String> apply(Jdbc jdbc, Owner owner) throws SQLException;
    }

    private int revoke(String username, String reason, String actor, Change change) {
        String why = Lockdown.requireText(reason, "reason");
        Instant now = clock.instant();
        List<String> revoked = database.inTransaction(jdbc -> {
            Owner owner = owner(jdbc, username);
            List<String> credentials = new ArrayList<>(change.apply(jdbc, owner));
            record(jdbc, username, owner.tenant(), credentials, why, actor, now);
            return credentials;
        });
        return sessions.endWhere(session -> session.principal().name().equals(username)
                && revoked.contains(session.credential()), "credential revoked");
    }

    /**
     * Within {@code jdbc}'s transaction, records {@code credentials} of {@code username} as revoked (every node
     * ends the live sessions that used them within its session check) and audits each; the credentials themselves
     * are already deleted or marked revoked where they are stored.
     */
    void record(Jdbc jdbc, String username, Optional<TenantId> tenant, List<String> credentials, String why,
                String actor, Instant now) throws SQLException {
        for (AuditEvent event : recordUnaudited(jdbc, username, tenant, credentials, why, actor, now)) {
            audit.append(jdbc, event);
        }
    }

    /**
     * As {@link #record}, returning the audit events for the caller to append once every row change of its
     * transaction is made (an operator's or a site's removal), in order.
     */
    List<AuditEvent> recordUnaudited(Jdbc jdbc, String username, Optional<TenantId> tenant, List<String> credentials,
                                     String why, String actor, Instant now) throws SQLException {
        List<AuditEvent> events = new ArrayList<>();
        for (String credential : credentials) {
            jdbc.update("INSERT INTO credential_revocations (id, credential, principal, revoked_at, actor, reason) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", newId(), credential, username, now.toEpochMilli(), actor, why);
            events.add(new AuditEvent.AdminChange(now, tenant, actor, AdminAction.CREDENTIAL_REVOKED,
                    username + " " + credential + ": " + why));
        }
        return events;
    }

    /** Ends this node's live sessions of {@code username} now (other nodes end them at their next check). */
    int endSessions(String username, String reason) {
        return sessions.endWhere(session -> session.principal().name().equals(username), reason);
    }

    private static Owner owner(Jdbc jdbc, String username) throws SQLException {
        Optional<Owner> account = jdbc.queryOne("SELECT id, tenant_id FROM accounts WHERE username = ?",
                row -> new Owner("account", row.getString(1), username, Optional.of(new TenantId(row.getString(2)))),
                username);
        if (account.isPresent()) {
            return account.get();
        }
        Optional<Owner> operator = jdbc.queryOne("SELECT id FROM operators WHERE username = ? AND removed_at IS NULL",
                row -> new Owner("operator", row.getString(1), username, Optional.empty()), username);
        if (operator.isPresent()) {
            return operator.get();
        }
        Optional<Owner> admin = jdbc.queryOne("SELECT name FROM admins WHERE name = ?",
                row -> new Owner("admin", row.getString(1), username, Optional.empty()), username);
        if (admin.isPresent()) {
            return admin.get();
        }
        return jdbc.queryOne("SELECT name FROM monitors WHERE name = ?",
                row -> new Owner("monitor", row.getString(1), username, Optional.empty()), username)
                .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "no account, operator, administrator or "
                        + "monitor named " + username));
    }

    private String newId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return "rev_" + HexFormat.of().formatHex(bytes);
    }
}
