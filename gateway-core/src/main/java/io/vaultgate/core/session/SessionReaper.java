package io.vaultgate.core.session;

import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code interval} (500 ms by default), while this node has live sessions, reads the catalog for
 * locked tenants and recent credential revocations and ends the sessions they concern: a lockdown or a
 * revocation made on any node ends sessions on every node within about one interval plus the time the
 * front-end takes to close a connection. Two queries per round on one connection (a third, over the claimed
 * batches, only while some tenant is locked), none when no session is open.
 *
 * <p>A lockdown ends the sessions of the tenant's own accounts, which stay refused, and the sessions of
 * operators who hold a claim on one of the tenant's batches and were logged in when the lockdown came: their
 * downloads in flight stop. Such an operator may log in again for other tenants' work; the core refuses
 * every new read of the locked tenant's data.
 */
public final class SessionReaper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionReaper.class);
    /** Tolerated clock difference between the node that revoked and the node holding the session. */
    static final Duration SKEW = Duration.ofSeconds(10);

    private record Revoked(String credential, String principal, Instant at) {
    }

    /** A claim on a batch of a locked tenant: its operator's sessions from before the lockdown end. */
    private record LockedClaim(String operatorId, Instant lockedAt) {
    }

    /** What one round read from the catalog, on one connection. */
    private record Incidents(Set<String> locked, List<Revoked> revoked, List<LockedClaim> claims) {
    }

    private final Database database;
    private final LiveSessions sessions;
    private final Duration interval;
    private ScheduledExecutorService timer;

    public SessionReaper(Database database, LiveSessions sessions, Duration interval) {
        if (interval.isNegative() || interval.isZero() || interval.compareTo(Duration.ofMillis(500)) > 0) {
            throw new IllegalArgumentException("the session check interval must be positive and at most 500ms, got "
                    + interval);
        }
        this.database = database;
        this.sessions = sessions;
        this.interval = interval;
    }

    /** Starts the rounds on a daemon thread; idempotent. */
    public synchronized SessionReaper start() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "vaultgate-session-reaper");
                thread.setDaemon(true);
                return thread;
            });
            timer.scheduleWithFixedDelay(this::roundQuietly, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** One round: returns how many sessions it ended. */
    public int round() {
        List<LiveSession> live = sessions.list();
        if (live.isEmpty()) {
            sessions.refuseWhere(session -> false);
            return 0;
        }
        Instant oldest = live.get(0).since().minus(SKEW);
        Incidents incidents = database.read(jdbc -> {
            Set<String> locked = jdbc.query("SELECT id FROM tenants WHERE status IN ('LOCKED', 'SHREDDED')",
                    row -> row.getString(1))
                    .stream().collect(Collectors.toSet());
            List<Revoked> revoked = jdbc.query("SELECT credential, principal, revoked_at FROM credential_revocations "
                    + "WHERE revoked_at >= ?", row -> new Revoked(row.getString(1), row.getString(2),
                    Instant.ofEpochMilli(row.getLong(3))), oldest.toEpochMilli());
            // A lockdown row exists only for a locked tenant: with none locked, the batches are not read at all.
            List<LockedClaim> claims = locked.isEmpty() ? List.of() : jdbc.query("SELECT b.claimed_by, l.locked_at "
                    + "FROM batches b JOIN tenant_lockdowns l ON l.tenant_id = b.tenant_id "
                    + "WHERE b.state = 'CLAIMED' AND b.claimed_by IS NOT NULL", row -> new LockedClaim(
                    row.getString(1), Instant.ofEpochMilli(row.getLong(2))));
            return new Incidents(locked, revoked, claims);
        });
        Set<String> locked = incidents.locked();
        List<Revoked> revoked = incidents.revoked();
        List<LockedClaim> lockedClaims = incidents.claims();
        Predicate<LiveSession> inLockedTenant = session -> session.tenant()
                .map(tenant -> locked.contains(tenant.value())).orElse(false);
        Predicate<LiveSession> claimsLockedData = session -> session.principal() instanceof OperatorPrincipal operator
                && lockedClaims.stream().anyMatch(claim -> claim.operatorId().equals(operator.operatorId())
                        && !claim.lockedAt().isBefore(session.since().minus(SKEW)));
        Predicate<LiveSession> usesRevoked = session -> revoked.stream().anyMatch(r ->
                r.credential().equals(session.credential()) && r.principal().equals(session.principal().name())
                        && !r.at().isBefore(session.since().minus(SKEW)));
        // A login registered before the next round is refused on this snapshot only while its tenant is still
        // locked: an unlock (on any node) since this round must not drop the first login after it.
        sessions.refuseWhere(inLockedTenant.and(this::tenantStillLocked).or(usesRevoked));
        return sessions.endWhere(inLockedTenant, "its tenant is locked")
                + sessions.endWhere(claimsLockedData, "it holds a claim on a locked tenant's batch")
                + sessions.endWhere(usesRevoked, "its credential was revoked");
    }

    private boolean tenantStillLocked(LiveSession session) {
        String tenant = session.tenant().orElseThrow().value();
        return database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM tenants WHERE id = ? AND status IN ('LOCKED', "
                + "'SHREDDED')", tenant)) > 0;
    }

    private void roundQuietly() {
        try {
            round();
        } catch (RuntimeException e) {
            LOG.warn("session check failed, retrying in {} ms: {}", interval.toMillis(), e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
