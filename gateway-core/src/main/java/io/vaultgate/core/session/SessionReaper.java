package io.vaultgate.core.session;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Credentials;
import io.vaultgate.core.auth.DeniedSources;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.SourceAddresses;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * batches, only while some tenant is locked; a fourth, over the live client sessions' accounts with their expiry and
 * their tenants' rules, only while a client account's session is open: one per {@value #CHUNK} such accounts), none
 * when no session is open.
 *
 * <p>A lockdown ends the sessions of the tenant's own accounts, which stay refused, and the sessions of
 * operators who hold a claim on one of the tenant's batches and were logged in when the lockdown came: their
 * downloads in flight stop. Such an operator may log in again for other tenants' work; the core refuses
 * every new read of the locked tenant's data.
 *
 * <p>An operator's session ends once its site's networks ({@code site set --allow-sources}) no longer admit its source
 * address (the login's own rule). Like a lockdown's or a revocation's endings, it is not audited session by session:
 * the change of the list is ({@code SITE_UPDATED}), and an operator's session has no tenant to record it under. A
 * fifth query, over the live operators' sites, runs only while an operator's session is open.
 *
 * <p>A client account's session also ends once what admitted it at login no longer holds: the account's expiry
 * passed, or its tenant no longer allows the session's protocol or its source address (allowlist or deny list,
 * the login's own rule), or, for a session opened with a password, its tenant no longer allows password login. Nothing
 * else records such an ending (an expiry passes without anyone acting), so each is
 * audited as a {@link AuditEvent.SessionEnded} naming the cause.
 *
 * <p>A revocation or lockdown row carries the time of the node that wrote it, a session the time of the node it
 * runs on, and the two clocks may differ. A row therefore ends the sessions of its credential (or claim) that
 * began no later than {@link #SKEW} after the row's own time, and also those that began before this node first
 * read the row, by this node's clock: a revoking node whose clock lags by up to {@link #LAGGING_CLOCK} still ends
 * every session that began before the revocation. This fails closed: a round after a start, or after a time without
 * sessions, reads the last hour's rows as new, so a session that began just before it with a credential revoked in
 * that hour and given back since (a password set again) is ended once.
 */
public final class SessionReaper implements AutoCloseable {

    static final String ACCOUNT_EXPIRED = "account expired";
    static final String PROTOCOL_NOT_ALLOWED = "protocol no longer allowed";
    static final String SOURCE_NOT_ALLOWED = "source address no longer allowed";
    static final String PASSWORD_NOT_ALLOWED = "password login no longer allowed";

    /** Live client accounts read by one query of the session check. */
    static final int CHUNK = 256;
    /** How many parsed network lists the check keeps from round to round (parsing is most of its work). */
    private static final int PARSED_CIDRS = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(SessionReaper.class);
    /** Tolerated clock difference between the node that revoked and the node holding the session. */
    static final Duration SKEW = Duration.ofSeconds(10);
    /** How far behind this node's clock a revoking node's may be for its rows to be read as new. */
    static final Duration LAGGING_CLOCK = Duration.ofHours(1);

    /**
     * A row that ends sessions (a revocation, a lockdown), at its writer's time {@code at} and first read by this
     * node at {@code seen}: it concerns a session that began by either.
     */
    private record Incident(Instant at, Instant seen) {

        boolean concerns(LiveSession session) {
            return !at.isBefore(session.since().minus(SKEW)) || !seen.isBefore(session.since());
        }
    }

    private record Revoked(String credential, String principal, Incident incident) {
    }

    /** A claim on a batch of a locked tenant: its operator's sessions from before the lockdown end. */
    private record LockedClaim(String operatorId, Incident lockdown) {
    }

    /** A tenant's rules for the sessions of its accounts: protocols, password login, allowed and denied networks. */
    private record Rules(Set<Protocol> protocols, boolean passwords, List<Cidr> allowed, List<Cidr> denied) {
    }

    /** What the live client sessions still need: their account not expired, and their tenant's rules. */
    private record Admission(Set<String> expired, Map<String, Rules> tenants) {

        static final Admission NONE = new Admission(Set.of(), Map.of());

        /**
         * Reads the accounts {@code accountIds} with their tenants' rules, {@value #CHUNK} accounts a query: one query
         * but for more live accounts than that. Each list of ids is padded to a power of two (repeating its last id),
         * so that few statement shapes are prepared.
         */
        static Admission read(Jdbc jdbc, List<String> accountIds, Instant now, Map<String, List<Cidr>> parsed)
                throws SQLException {
            Set<String> expired = new HashSet<>();
            Map<String, List<String>> stored = new HashMap<>();
            Set<String> passwords = new HashSet<>();
            Map<String, Set<String>> denied = new HashMap<>();
            for (int from = 0; from < accountIds.size(); from += CHUNK) {
                List<String> ids = new ArrayList<>(accountIds.subList(from, Math.min(accountIds.size(), from + CHUNK)));
                int size = Math.max(8, Integer.highestOneBit(ids.size() - 1) << 1);
                while (ids.size() < size) {
                    ids.add(ids.get(ids.size() - 1));
                }
                jdbc.query("SELECT a.id, a.expires_at, t.id, t.protocols, t.allowed_cidrs, d.cidr, t.password_login "
                        + "FROM accounts a "
                        + "JOIN tenants t ON t.id = a.tenant_id "
                        + "LEFT JOIN tenant_denied_sources d ON d.tenant_id = a.tenant_id "
                        + "WHERE a.id IN (" + String.join(", ", Collections.nCopies(size, "?")) + ")", row -> {
                            long expires = row.getLong(2);
                            if (!row.wasNull() && expires < now.toEpochMilli()) {
                                expired.add(row.getString(1));
                            }
                            String tenant = row.getString(3);
                            stored.putIfAbsent(tenant, List.of(row.getString(4), row.getString(5)));
                            if (row.getBoolean(7)) {
                                passwords.add(tenant);
                            }
                            Set<String> networks = denied.computeIfAbsent(tenant, id -> new HashSet<>());
                            if (row.getString(6) != null) {
                                networks.add(row.getString(6));
                            }
                            return null;
                        }, ids.toArray());
            }
            Map<String, Rules> tenants = new HashMap<>();
            if (parsed.size() > PARSED_CIDRS) {
                parsed.clear();
            }
            stored.forEach((tenant, columns) -> tenants.put(tenant, new Rules(
                    TenantRepository.parseProtocols(columns.get(0)), passwords.contains(tenant),
                    parsed.computeIfAbsent(columns.get(1), TenantRepository::parseCidrs),
                    denied.get(tenant).stream().flatMap(cidr -> parsed.computeIfAbsent(cidr,
                            TenantRepository::parseCidrs).stream()).toList())));
            return new Admission(expired, tenants);
        }

        /** Why {@code session} may no longer go on, if it is a client account's whose admission no longer holds. */
        Optional<String> refusal(LiveSession session) {
            if (!(session.principal() instanceof ClientPrincipal client)) {
                return Optional.empty();
            }
            if (expired.contains(client.accountId())) {
                return Optional.of(ACCOUNT_EXPIRED);
            }
            Rules rules = tenants.get(client.tenant().value());
            if (rules == null) {
                return Optional.empty(); // no row: the account is gone, and its credentials with it
            }
            if (!rules.protocols().contains(session.protocol())) {
                return Optional.of(PROTOCOL_NOT_ALLOWED);
            }
            if (!rules.passwords() && session.credential().startsWith(Credentials.password(""))) {
                return Optional.of(PASSWORD_NOT_ALLOWED);
            }
            if (!SourceAddresses.allowedBy(rules.allowed(), session.source())
                    || DeniedSources.denies(rules.denied(), session.source())) {
                return Optional.of(SOURCE_NOT_ALLOWED);
            }
            return Optional.empty();
        }
    }

    /**
     * What one round read from the catalog, on one connection.
     *
     * @param siteSources the networks of the sites of the live operator sessions, by site id: an operator's session
     *                    ends once its site's list no longer admits its source address (the login's own rule)
     */
    private record Incidents(Set<String> locked, List<Revoked> revoked, List<LockedClaim> claims,
                             Admission admission, Map<String, List<Cidr>> siteSources) {

        boolean outsideItsSite(LiveSession session) {
            if (!(session.principal() instanceof OperatorPrincipal operator)) {
                return false;
            }
            List<Cidr> allowed = siteSources.get(operator.siteId());
            return allowed != null && !SourceAddresses.allowedBy(allowed, session.source());
        }
    }

    private final Database database;
    private final AuditLog audit;
    private final LiveSessions sessions;
    private final Duration interval;
    /** Networks as stored (a tenant's allowlist column, one denied network), parsed. */
    private final Map<String, List<Cidr>> parsedCidrs = new ConcurrentHashMap<>();
    /** When this node first read each revocation and lockdown row of the last round, by its own clock. */
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    /** Ends sessions and audits the endings nothing else records ({@link AuditEvent.SessionEnded}). */
    public SessionReaper(Database database, AuditLog audit, LiveSessions sessions, Duration interval) {
        if (interval.isNegative() || interval.isZero() || interval.compareTo(Duration.ofMillis(500)) > 0) {
            throw new IllegalArgumentException("the session check interval must be positive and at most 500ms, got "
                    + interval);
        }
        this.database = database;
        this.audit = audit;
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
        Instant now = sessions.clock().instant();
        Instant oldest = live.get(0).since().minus(SKEW);
        Instant recent = now.minus(LAGGING_CLOCK);
        Instant from = oldest.isBefore(recent) ? oldest : recent;
        Set<String> read = new HashSet<>();
        List<String> accounts = live.stream().map(LiveSession::principal).filter(ClientPrincipal.class::isInstance)
                .map(principal -> ((ClientPrincipal) principal).accountId()).distinct().toList();
        List<String> sites = live.stream().map(LiveSession::principal).filter(OperatorPrincipal.class::isInstance)
                .map(principal -> ((OperatorPrincipal) principal).siteId()).distinct().toList();
        Incidents incidents = database.read(jdbc -> {
            Set<String> locked = jdbc.query("SELECT id FROM tenants WHERE status IN ('LOCKED', 'SHREDDED')",
                    row -> row.getString(1))
                    .stream().collect(Collectors.toSet());
            List<Revoked> revoked = jdbc.query("SELECT credential, principal, revoked_at, id FROM "
                    + "credential_revocations WHERE revoked_at >= ?", row -> new Revoked(row.getString(1),
                    row.getString(2), incident(read, "revocation:" + row.getString(4), row.getLong(3), now)),
                    from.toEpochMilli());
            // A lockdown row exists only for a locked tenant: with none locked, the batches are not read at all.
            List<LockedClaim> claims = locked.isEmpty() ? List.of() : jdbc.query("SELECT b.claimed_by, l.locked_at, "
                    + "l.tenant_id FROM batches b JOIN tenant_lockdowns l ON l.tenant_id = b.tenant_id "
                    + "WHERE b.state = 'CLAIMED' AND b.claimed_by IS NOT NULL", row -> new LockedClaim(
                    row.getString(1), incident(read, "lockdown:" + row.getString(3) + ":" + row.getLong(2),
                            row.getLong(2), now)));
            Admission admission = accounts.isEmpty() ? Admission.NONE
                    : Admission.read(jdbc, accounts, now, parsedCidrs);
            Map<String, List<Cidr>> siteSources = sites.isEmpty() ? Map.of() : siteSources(jdbc, sites);
            return new Incidents(locked, revoked, claims, admission, siteSources);
        });
        firstSeen.keySet().retainAll(read);
        // as for a client below: a login since this round's read was checked against newer rules
        Set<String> before = live.stream().map(LiveSession::id).collect(Collectors.toSet());
        Set<String> locked = incidents.locked();
        List<Revoked> revoked = incidents.revoked();
        List<LockedClaim> lockedClaims = incidents.claims();
        Predicate<LiveSession> inLockedTenant = session -> session.tenant()
                .map(tenant -> locked.contains(tenant.value())).orElse(false);
        Predicate<LiveSession> claimsLockedData = session -> session.principal() instanceof OperatorPrincipal operator
                && lockedClaims.stream().anyMatch(claim -> claim.operatorId().equals(operator.operatorId())
                        && claim.lockdown().concerns(session));
        Predicate<LiveSession> usesRevoked = session -> revoked.stream().anyMatch(r ->
                r.credential().equals(session.credential()) && r.principal().equals(session.principal().name())
                        && r.incident().concerns(session));
        // A login registered before the next round is refused on this snapshot only while its tenant is still
        // locked: an unlock (on any node) since this round must not drop the first login after it. The admission
        // rules need no such guard: a login checks them itself, and the next round reads them again.
        sessions.refuseWhere(inLockedTenant.and(this::tenantStillLocked).or(usesRevoked));
        int ended = sessions.endWhere(inLockedTenant, "its tenant is locked")
                + sessions.endWhere(claimsLockedData, "it holds a claim on a locked tenant's batch")
                + sessions.endWhere(usesRevoked, "its credential was revoked")
                + sessions.endWhere(session -> before.contains(session.id()) && incidents.outsideItsSite(session),
                        "its site no longer allows its source address");
        // Only sessions open before this round's read: a login since then was checked against newer rules.
        Map<String, String> refused = new HashMap<>();
        for (LiveSession session : live) {
            incidents.admission().refusal(session).ifPresent(reason -> refused.put(session.id(), reason));
        }
        List<AuditEvent> endings = new ArrayList<>();
        for (String reason : refused.isEmpty() ? List.<String>of()
                : List.of(ACCOUNT_EXPIRED, PROTOCOL_NOT_ALLOWED, PASSWORD_NOT_ALLOWED, SOURCE_NOT_ALLOWED)) {
            for (LiveSession session : sessions.endAll(session -> reason.equals(refused.get(session.id())), reason)) {
                endings.add(new AuditEvent.SessionEnded(now, session.tenant(), session.principal().name(),
                        session.protocol(), session.source(), reason));
            }
        }
        audit(endings);
        return ended + endings.size();
    }

    /** The networks of the operators' {@code sites} (few: one query), parsed once while they stay the same. */
    private Map<String, List<Cidr>> siteSources(Jdbc jdbc, List<String> sites) throws SQLException {
        Map<String, List<Cidr>> sources = new HashMap<>();
        if (parsedCidrs.size() > PARSED_CIDRS) {
            parsedCidrs.clear();
        }
        jdbc.query("SELECT id, allowed_cidrs FROM sites WHERE id IN (" + String.join(", ",
                Collections.nCopies(sites.size(), "?")) + ")", row -> sources.put(row.getString(1),
                parsedCidrs.computeIfAbsent(row.getString(2), TenantRepository::parseCidrs)), sites.toArray());
        return sources;
    }

    /** The row {@code key} written at {@code atMillis}, first read now unless an earlier round read it. */
    private Incident incident(Set<String> read, String key, long atMillis, Instant now) {
        read.add(key);
        return new Incident(Instant.ofEpochMilli(atMillis), firstSeen.computeIfAbsent(key, k -> now));
    }

    /** Records the endings in one transaction; the sessions are ended whether or not that succeeds. */
    private void audit(List<AuditEvent> endings) {
        if (endings.isEmpty()) {
            return;
        }
        try {
            database.inTransaction(jdbc -> audit.appendAll(jdbc, endings));
        } catch (RuntimeException e) {
            LOG.error("ended {} session(s) but could not audit it: {}", endings.size(), e.toString());
        }
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
