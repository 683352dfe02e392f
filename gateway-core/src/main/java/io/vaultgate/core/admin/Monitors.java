package io.vaultgate.core.admin;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.MonitorRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.catalog.Usernames;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Monitors: what Prometheus scrapes the ops listener with, so that no monitoring host holds an administrator's token.
 * A monitor's API token reads the ops listener's {@code /metrics} and {@code /status.json} and nothing else: the
 * core's authenticator admits it only when the ops listener asks
 * ({@link io.vaultgate.core.auth.Authenticator#byOpsToken}) and refuses it on every front-end; a monitor has no password, SSH key, certificate or TOTP secret, and its name is
 * taken in the namespace of login names ({@link Usernames}). Managed like administrators, from the command line on the
 * gateway's host only, every change audited ({@code ACCOUNT_CREATED}, {@code CREDENTIAL_ADDED},
 * {@code CREDENTIAL_REVOKED}, {@code ACCOUNT_DELETED}, each with the subject {@code monitor NAME}).
 */
public final class Monitors {

    /** A monitor, when it was made and how many live API tokens it has. */
    public record Monitor(String name, Instant createdAt, long liveTokens) {
    }

    private final Database database;
    private final MonitorRepository monitors = new MonitorRepository();
    private final TokenHolders holders;
    private final AuditLog audit;
    private final Clock clock;

    public Monitors(Database database, TokenRepository tokens, Revocation revocation, AuditLog audit,
                    SecureRandom random, Clock clock) {
        this.database = database;
        this.holders = new TokenHolders(Usernames.Kind.MONITOR, "monitor", database, tokens, revocation, audit, random,
                clock);
        this.audit = audit;
        this.clock = clock;
    }

    /** Creates a monitor and returns its API token (shown once); CONFLICT if anyone holds the name. */
    public String add(String name, String actor) {
        holders.requireName(name);
        Instant now = clock.instant();
        return database.inTransaction(jdbc -> {
            Optional<Usernames.Kind> holder = holders.take(jdbc, name);
            if (holder.isPresent()) {
                throw holders.taken(name, holder.get());
            }
            monitors.insert(jdbc, name, now);
            String token = holders.issue(jdbc, name, now);
            audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.ACCOUNT_CREATED,
                    "monitor " + name));
            return token;
        });
    }

    public List<Monitor> list() {
        Instant now = clock.instant();
        return database.read(jdbc -> {
            List<Monitor> all = new ArrayList<>();
            for (MonitorRepository.MonitorRow row : monitors.all(jdbc)) {
                all.add(new Monitor(row.name(), row.createdAt(), holders.liveTokens(jdbc, row.name(), now)));
            }
            return all;
        });
    }

    /**
     * Revokes every live token of the monitor and issues one new token, in one transaction; NOT_FOUND for an unknown
     * name. The ops listener remembers a token that passed for {@code ops.token-cache}, so an old token may read
     * metrics that much longer.
     */
    public RotatedToken rotateToken(String name, String reason, String actor) {
        return holders.rotate(name, reason, actor, monitors::exists);
    }

    /** Removes a monitor: its tokens are revoked and its name is free again. NOT_FOUND for an unknown name. */
    public void remove(String name, String reason, String actor) {
        String why = Lockdown.requireText(reason, "reason");
        Instant now = clock.instant();
        database.inTransaction(jdbc -> {
            if (!monitors.delete(jdbc, name)) {
                throw holders.notFound(name);
            }
            List<AuditEvent> events = new ArrayList<>(holders.revokeAll(jdbc, name, why, actor, now));
            holders.release(jdbc, name);
            events.add(new AuditEvent.AdminChange(now, Optional.empty(), actor, AdminAction.ACCOUNT_DELETED,
                    "monitor " + name + ": " + why));
            audit.appendAll(jdbc, events);
            return null;
        });
    }
}
