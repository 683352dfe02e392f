package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.AdminRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TokenRepository;
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

    /** An administrator, when it was made and how many live API tokens it has. */
    public record Admin(String name, Instant createdAt, long liveTokens) {
    }

    private final Database database;
    private final AdminRepository admins = new AdminRepository();
    private final TokenHolders holders;
    private final Mfa mfa;
    private final AuditLog audit;
    private final Clock clock;

    public Administrators(Database database, TokenRepository tokens, Revocation revocation, Mfa mfa, AuditLog audit,
                          SecureRandom random, Clock clock) {
        this.database = database;
        this.holders = new TokenHolders(Usernames.Kind.ADMIN, "administrator", database, tokens, revocation, audit,
                random, clock);
        this.mfa = mfa;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Creates an administrator and returns its API token (shown once); CONFLICT if the name is taken, by an
     * administrator or any other principal ({@link Usernames}).
     */
    public String add(String name, String actor) {
        holders.requireName(name);
        Instant now = clock.instant();
        return database.inTransaction(jdbc -> {
            Optional<Usernames.Kind> holder = holders.take(jdbc, name);
            if (holder.isPresent()) {
                throw holders.taken(name, holder.get());
            }
            return insert(jdbc, name, now, actor);
        });
    }

    /**
     * Creates the first administrator, {@code name}, and returns its API token, only if the catalog has no
     * administrator at all; empty otherwise, whatever the existing ones are called. Decided in the creating
     * transaction (another node creating one meanwhile counts as existing), and never from a token file: a node
     * whose {@code admin.token} was moved away, or deleted after its administrator was removed, must neither fail
     * to start nor bring that administrator back with a fresh token.
     */
    public Optional<String> addFirst(String name, String actor) {
        holders.requireName(name);
        Instant now = clock.instant();
        return database.inTransaction(jdbc -> {
            if (!admins.lockAll(jdbc).isEmpty()) {
                return Optional.<String>empty();
            }
            Optional<Usernames.Kind> holder = holders.take(jdbc, name);
            if (holder.isPresent()) {
                if (holder.get() == Usernames.Kind.ADMIN) {
                    return Optional.<String>empty(); // created by another node since this transaction's read
                }
                throw holders.taken(name, holder.get());
            }
            return Optional.of(insert(jdbc, name, now, actor));
        });
    }

    private String insert(Jdbc jdbc, String name, Instant now, String actor) throws SQLException {
        admins.insert(jdbc, name, now);
        String token = holders.issue(jdbc, name, now);
        audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.ADMIN_CREATED, name));
        return token;
    }

    public List<Admin> list() {
        Instant now = clock.instant();
        return database.read(jdbc -> {
            List<Admin> all = new ArrayList<>();
            for (AdminRepository.AdminRow row : admins.all(jdbc)) {
                all.add(new Admin(row.name(), row.createdAt(), holders.liveTokens(jdbc, row.name(), now)));
            }
            return all;
        });
    }

    /**
     * Revokes every live token of the administrator and issues one new token, in one transaction: from its commit
     * the old tokens are refused, and connections that logged in with them end on every node within the session
     * check. NOT_FOUND for an unknown name.
     */
    public RotatedToken rotateToken(String name, String reason, String actor) {
        return holders.rotate(name, reason, actor, admins::exists);
    }

    /**
     * Removes an administrator: its tokens are revoked and its TOTP secret deleted, so nothing it held works any
     * more, and its name is free again. CONFLICT for the last administrator (nobody could then use the admin API;
     * add another first), NOT_FOUND for an unknown name.
     */
    public void remove(String name, String reason, String actor) {
        String why = Lockdown.requireText(reason, "reason");
        Instant now = clock.instant();
        database.inTransaction(jdbc -> {
            List<AdminRepository.AdminRow> all = admins.lockAll(jdbc);
            if (all.stream().noneMatch(admin -> admin.name().equals(name))) {
                throw holders.notFound(name);
            }
            if (all.size() == 1) {
                throw new GatewayException(Reason.CONFLICT, name + " is the last administrator; add another "
                        + "(vaultgate admin add NAME) before removing it");
            }
            List<AuditEvent> events = new ArrayList<>(holders.revokeAll(jdbc, name, why, actor, now));
            Optional<AuditEvent> totp = mfa.remove(jdbc, Role.ADMIN, name, actor, now);
            admins.delete(jdbc, name);
            holders.release(jdbc, name);
            totp.ifPresent(events::add);
            events.add(new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.ACCOUNT_DELETED,
                    "administrator " + name + ": " + why));
            audit.appendAll(jdbc, events);
            return null;
        });
        holders.endSessions(name, "administrator removed");
    }
}
