package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.catalog.TokenRepository.TokenGrant;
import io.vaultgate.core.catalog.Usernames;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What administrators and monitors have in common: a name in the one namespace of names ({@link Usernames}) and API
 * tokens as their only credential, stored hashed, issued without expiry, replaced all at once and revoked when their
 * holder goes. The kinds keep their own table and rules (the last administrator stays, an administrator's TOTP secret
 * goes with it); the methods taking a {@link Jdbc} work within the caller's transaction.
 */
final class TokenHolders {

    /** Whether the holder named so exists, within a transaction. */
    @FunctionalInterface
    interface Existing {
        boolean exists(Jdbc jdbc, String name) throws SQLException;
    }

    private final Usernames.Kind kind;
    private final String called;
    private final Database database;
    private final Usernames usernames = new Usernames();
    private final TokenRepository tokens;
    private final Revocation revocation;
    private final AuditLog audit;
    private final SecureRandom random;
    private final Clock clock;

    /** @param called how one holder is called in messages: {@code administrator}, {@code monitor} */
    TokenHolders(Usernames.Kind kind, String called, Database database, TokenRepository tokens, Revocation revocation,
                 AuditLog audit, SecureRandom random, Clock clock) {
        this.kind = kind;
        this.called = called;
        this.database = database;
        this.tokens = tokens;
        this.revocation = revocation;
        this.audit = audit;
        this.random = random;
        this.clock = clock;
    }

    void requireName(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{1,63}")) {
            throw new GatewayException(Reason.INVALID_REQUEST, "the name of " + kind.one() + " is 2-64 of a-z, 0-9, "
                    + "'.', '_' and '-', starting with a letter or digit");
        }
    }

    /** Takes {@code name} for a new holder: empty when it was free, else who holds it (and nothing changed). */
    Optional<Usernames.Kind> take(Jdbc jdbc, String name) throws SQLException {
        return usernames.take(jdbc, name, kind, name);
    }

    /** The CONFLICT of a name {@code holder} holds. */
    GatewayException taken(String name, Usernames.Kind holder) {
        return new GatewayException(Reason.CONFLICT, holder == kind ? called + " " + name + " already exists"
                : "name " + name + " is taken by " + holder.one());
    }

    /** Frees the name of a holder being removed. */
    void release(Jdbc jdbc, String name) throws SQLException {
        usernames.release(jdbc, name, kind);
    }

    /** Issues {@code name} a new token, labelled with the kind, never expiring; the token is shown once. */
    String issue(Jdbc jdbc, String name, Instant now) throws SQLException {
        String token = ApiTokens.generate(random);
        tokens.insert(jdbc, ApiTokens.hash(token), grant(name), kind.value(), now, Optional.empty());
        return token;
    }

    long liveTokens(Jdbc jdbc, String name, Instant now) throws SQLException {
        return tokens.countLive(jdbc, grant(name), now);
    }

    /**
     * Revokes every live token of the holder and issues one new token, in one transaction: from its commit the old
     * tokens are refused, and connections that logged in with them end on every node within the session check.
     * NOT_FOUND for an unknown name.
     */
    RotatedToken rotate(String name, String reason, String actor, Existing existing) {
        String why = Lockdown.requireText(reason, "reason");
        Instant now = clock.instant();
        RotatedToken rotated = database.inTransaction(jdbc -> {
            if (!existing.exists(jdbc, name)) {
                throw notFound(name);
            }
            List<String> old = revocation.revokeTokens(jdbc, kind.value(), name);
            String token = issue(jdbc, name, now);
            List<AuditEvent> events = new ArrayList<>(revocation.recordUnaudited(jdbc, name, Optional.empty(), old,
                    why, actor, now));
            events.add(new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.CREDENTIAL_ADDED,
                    name + " api-token (" + kind.value() + ", replacing " + old.size() + ")"));
            audit.appendAll(jdbc, events);
            return new RotatedToken(token, old);
        });
        revocation.endSessions(name, "credential revoked");
        return rotated;
    }

    /** Revokes every live token of a holder being removed; returns the audit events of the revocations. */
    List<AuditEvent> revokeAll(Jdbc jdbc, String name, String why, String actor, Instant now) throws SQLException {
        List<String> old = revocation.revokeTokens(jdbc, kind.value(), name);
        return revocation.recordUnaudited(jdbc, name, Optional.empty(), old, why, actor, now);
    }

    /** Ends this node's live sessions of a removed holder now (other nodes end them at their next check). */
    void endSessions(String name, String reason) {
        revocation.endSessions(name, reason);
    }

    GatewayException notFound(String name) {
        return new GatewayException(Reason.NOT_FOUND, "no " + called + " named " + name);
    }

    private TokenGrant grant(String name) {
        return new TokenGrant(kind.value(), name);
    }
}
