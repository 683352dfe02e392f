package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.catalog.AdminRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.catalog.TokenRepository.TokenGrant;
import io.vaultgate.core.catalog.Usernames;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.mfa.Role;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The administrators after {@code vaultgate init} made the first: adding one, listing them, replacing one's API
 * token (a leaked {@code admin.token}) and removing one. For the command line on the gateway's host only: the admin
 * API cannot change administrators, so a stolen admin token can neither mint itself a successor nor lock the others
 * out. Every change is audited; the last administrator cannot be removed.
 */
public final class Administrators {

    private static final String KIND = "admin";

    /** An administrator, when it was made and how many live API tokens it has. */
    public record Admin(String name, Instant createdAt, long liveTokens) {
    }

    /** A token replacement: the new token (shown once) and the revoked ones, as credentials. */
    public record Rotated(String token, List<String> revoked) {
    }

    private final Database database;
    private final AdminRepository admins = new AdminRepository();
    private final Usernames usernames = new Usernames();
    private final TokenRepository tokens;
    private final Revocation revocation;
    private final Mfa mfa;
    private final AuditLog audit;
    private final SecureRandom random;
    private final Clock clock;

    public Administrators(Database database, TokenRepository tokens, Revocation revocation, Mfa mfa, AuditLog audit,
                          SecureRandom random, Clock clock) {
        this.database = database;
        this.tokens = tokens;
        this.revocation = revocation;
        this.mfa = mfa;
        this.audit = audit;
        this.random = random;
        this.clock = clock;
    }

    /**
     * Creates an administrator and returns its API token (shown once); CONFLICT if the name is taken, by an
     * administrator, an account or an operator ({@link Usernames}).
     */
    public String add(String name, String actor) {
        requireName(name);
        String token = ApiTokens.generate(random);
        Instant now = clock.instant();
        database.inTransaction(jdbc -> {
            Optional<Usernames.Kind> holder = usernames.take(jdbc, name, Usernames.Kind.ADMIN, name);
            if (holder.isPresent()) {
                throw new GatewayException(Reason.CONFLICT, holder.get() == Usernames.Kind.ADMIN
                        ? "administrator " + name + " already exists" : takenByAnother(name));
            }
            insert(jdbc, name, token, now, actor);
            return null;
        });
        return token;
    }

    /**
     * Creates the first administrator, {@code name}, and returns its API token, only if the catalog has no
     * administrator at all; empty otherwise, whatever the existing ones are called. Decided in the creating
     * transaction (another node creating one meanwhile counts as existing), and never from a token file: a node
     * whose {@code admin.token} was moved away, or deleted after its administrator was removed, must neither fail
     * to start nor bring that administrator back with a fresh token.
     */
    public Optional<String> addFirst(String name, String actor) {
        requireName(name);
        String token = ApiTokens.generate(random);
        Instant now = clock.instant();
        boolean created = database.inTransaction(jdbc -> {
            if (!admins.lockAll(jdbc).isEmpty()) {
                return false;
            }
            Optional<Usernames.Kind> holder = usernames.take(jdbc, name, Usernames.Kind.ADMIN, name);
            if (holder.isPresent()) {
                if (holder.get() == Usernames.Kind.ADMIN) {
                    return false; // created by another node since this transaction's read
                }
                throw new GatewayException(Reason.CONFLICT, takenByAnother(name));
            }
            insert(jdbc, name, token, now, actor);
            return true;
        });
        return created ? Optional.of(token) : Optional.empty();
    }

    private void insert(Jdbc jdbc, String name, String token, Instant now, String actor) throws SQLException {
        admins.insert(jdbc, name, now);
        tokens.insert(jdbc, ApiTokens.hash(token), new TokenGrant(KIND, name), KIND, now, Optional.empty());
        audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.ADMIN_CREATED, name));
    }

    private static String takenByAnother(String name) {
        return "name " + name + " is taken by an account or operator";
    }

    public List<Admin> list() {
        Instant now = clock.instant();
        return database.read(jdbc -> {
            List<Admin> all = new ArrayList<>();
            for (AdminRepository.AdminRow row : admins.all(jdbc)) {
                all.add(new Admin(row.name(), row.createdAt(),
                        tokens.countLive(jdbc, new TokenGrant(KIND, row.name()), now)));
            }
            return all;
        });
    }

    /**
     * Revokes every live token of the administrator and issues one new token, in one transaction: from its commit
     * the old tokens are refused, and connections that logged in with them end on every node within the session
     * check. NOT_FOUND for an unknown name.
     */
    public Rotated rotateToken(String name, String reason, String actor) {
        String why = Lockdown.requireText(reason, "reason");
        String token = ApiTokens.generate(random);
        Instant now = clock.instant();
        List<String> revoked = database.inTransaction(jdbc -> {
            requireExisting(jdbc, name);
            List<String> old = revocation.revokeTokens(jdbc, KIND, name);
            tokens.insert(jdbc, ApiTokens.hash(token), new TokenGrant(KIND, name), KIND, now, Optional.empty());
            List<AuditEvent> events = new ArrayList<>(revocation.recordUnaudited(jdbc, name, Optional.empty(), old,
                    why, actor, now));
            events.add(new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.CREDENTIAL_ADDED,
                    name + " api-token (admin, replacing " + old.size() + ")"));
            audit.appendAll(jdbc, events);
            return old;
        });
        revocation.endSessions(name, "credential revoked");
        return new Rotated(token, revoked);
    }

    /**
     * Removes an administrator: its tokens are revoked and its TOTP secret deleted, so nothing it held works any
     * more, and its name is free again ({@link Usernames#releaseAdmin}). CONFLICT for the last administrator (nobody could then use the admin API or scrape metrics; add another
     * first), NOT_FOUND for an unknown name.
     */
    public void remove(String name, String reason, String actor) {
        String why = Lockdown.requireText(reason, "reason");
        Instant now = clock.instant();
        database.inTransaction(jdbc -> {
            List<AdminRepository.AdminRow> all = admins.lockAll(jdbc);
            if (all.stream().noneMatch(admin -> admin.name().equals(name))) {
                throw new GatewayException(Reason.NOT_FOUND, "no administrator named " + name);
            }
            if (all.size() == 1) {
                throw new GatewayException(Reason.CONFLICT, name + " is the last administrator; add another "
                        + "(vaultgate admin add NAME) before removing it");
            }
            List<String> old = revocation.revokeTokens(jdbc, KIND, name);
            Optional<AuditEvent> totp = mfa.remove(jdbc, Role.ADMIN, name, actor, now);
            admins.delete(jdbc, name);
            usernames.releaseAdmin(jdbc, name);
            List<AuditEvent> events = new ArrayList<>(revocation.recordUnaudited(jdbc, name, Optional.empty(), old,
                    why, actor, now));
            totp.ifPresent(events::add);
            events.add(new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.ACCOUNT_DELETED,
                    "administrator " + name + ": " + why));
            audit.appendAll(jdbc, events);
            return null;
        });
        revocation.endSessions(name, "administrator removed");
    }

    private void requireExisting(Jdbc jdbc, String name) throws SQLException {
        if (!admins.exists(jdbc, name)) {
            throw new GatewayException(Reason.NOT_FOUND, "no administrator named " + name);
        }
    }

    private static void requireName(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{1,63}")) {
            throw new GatewayException(Reason.INVALID_REQUEST, "an administrator's name is 2-64 of a-z, 0-9, '.', '_' and "
                    + "'-', starting with a letter or digit");
        }
    }
}
