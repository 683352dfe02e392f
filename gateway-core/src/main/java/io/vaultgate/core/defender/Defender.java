package io.vaultgate.core.defender;

import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import java.net.InetAddress;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The brute-force defender shared by every front-end. Front-ends ask {@link #admits} when a connection
 * arrives (before any crypto) and report {@link #offence}s; once an address scores the policy's threshold
 * within its window it is banned, for a time that grows with each ban. Bans live in the catalog, so every
 * node of a deployment applies them; each node keeps them in a cache reloaded at least every
 * {@link DefenderPolicy#refreshInterval()} (synchronously, by the first check that finds it stale, so an idle
 * node is never behind). Scores live in the catalog too ({@link OffenceStore}): offences on all nodes count
 * towards one threshold. Every ban and unban is one audit event. Scores and bans are keyed by
 * {@link SourceAddress#key}: an IPv6 client is scored and banned by its /64 (it could take a fresh address from it
 * before each ban); logs and the ban's reason name the full address that offended.
 */
public final class Defender {

    private static final Logger LOG = LoggerFactory.getLogger(Defender.class);
    /** The actor recorded for bans the defender decides itself. */
    public static final String ACTOR = "defender";
    /** How often a node deletes expired offences: the table holds one window of them, plus this at most. */
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final Database database;
    private final BanStore store = new BanStore();
    private final AuditLog audit;
    private final DefenderPolicy policy;
    private final Clock clock;
    private final DefenderMetrics metrics;
    private final OffenceStore offences = new OffenceStore();
    private volatile Instant nextSweep = Instant.EPOCH;
    private volatile Map<String, Instant> banned = Map.of();
    private volatile Instant loadedAt = Instant.EPOCH;
    private final ReentrantLock reloading = new ReentrantLock();

    public Defender(Database database, AuditLog audit, DefenderPolicy policy, Clock clock, MeterRegistry registry) {
        this.database = database;
        this.audit = audit;
        this.policy = policy;
        this.clock = clock;
        this.metrics = new DefenderMetrics(registry, () -> activeBans().size());
    }

    public DefenderPolicy policy() {
        return policy;
    }

    DefenderMetrics metrics() {
        return metrics;
    }

    /**
     * Whether a connection from {@code address} may proceed: not on the deny list, on the allow list if there
     * is one, not banned. A source that is not a literal IP (an in-process caller) cannot be banned; it is
     * refused only when an allow list is configured (fail closed). Counted when refused.
     *
     * @param stage {@code connect} or {@code login}, for the refusal counter
     */
    public boolean admits(String address, String stage) {
        boolean admitted = SourceAddress.parse(address).map(this::admitsParsed).orElse(policy.allow().isEmpty());
        if (!admitted) {
            metrics.refusedAt(stage);
        }
        return admitted;
    }

    private boolean admitsParsed(InetAddress address) {
        if (!policy.listsAdmit(address)) {
            return false;
        }
        Instant until = cache().get(SourceAddress.key(address));
        return until == null || !until.isAfter(clock.instant());
    }

    /**
     * Scores one offence of {@code address}; bans it once its offences on every node within the observation
     * window reach the threshold. The offence is not flushed to disk before the next one is scored: a power loss
     * can only forget some points, never ban anyone. Never throws: a catalog that cannot record it is logged.
     */
    public void offence(String address, Offence offence) {
        Optional<InetAddress> parsed = SourceAddress.parse(address);
        if (!policy.enabled() || parsed.isEmpty() || policy.isExempt(parsed.get())) {
            return;
        }
        String key = SourceAddress.key(parsed.get());
        String from = parsed.get().getHostAddress();
        Instant now = clock.instant();
        if (isBanned(key, now)) {
            return;
        }
        int score;
        try {
            score = database.inTransactionDeferringSync(jdbc -> offences.add(jdbc, key, offence.points(), now,
                    now.minus(policy.observationWindow())));
        } catch (RuntimeException e) {
            // Reported from network threads and error paths, which must go on; without a catalog no login succeeds.
            LOG.warn("defender: cannot score an offence of {} in the catalog: {}", from, e.toString());
            return;
        }
        sweepIfDue(now);
        if (score >= policy.banThreshold()) {
            banUnlessBanned(key, score + " points of failed logins and errors within "
                    + DurationText.of(policy.observationWindow())
                    + (key.equals(from) ? "" : ", the last from " + from));
        }
    }

    /**
     * Takes back one {@code offence} scored against the address within the window, because the login it was scored
     * for has completed: a right password whose TOTP step was still to come is scored as a wrong one (the client is
     * told the same for both), and once the code is right too that point is no guesser's. Never takes the score
     * below zero; a failure to reach the catalog leaves the point (logged).
     */
    public void forgive(String address, Offence offence) {
        Optional<InetAddress> parsed = SourceAddress.parse(address);
        if (!policy.enabled() || parsed.isEmpty() || policy.isExempt(parsed.get())) {
            return;
        }
        String key = SourceAddress.key(parsed.get());
        Instant now = clock.instant();
        try {
            database.inTransactionDeferringSync(jdbc -> {
                offences.forgive(jdbc, key, offence.points(), now, now.minus(policy.observationWindow()));
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("defender: cannot take back an offence of {} in the catalog: {}", parsed.get().getHostAddress(),
                    e.toString());
        }
    }

    /** Deletes offences older than the window, at most once per {@link #SWEEP_INTERVAL} on this node. */
    private void sweepIfDue(Instant now) {
        if (now.isBefore(nextSweep)) {
            return;
        }
        nextSweep = now.plus(SWEEP_INTERVAL);
        try {
            database.inTransactionDeferringSync(jdbc -> {
                offences.sweep(jdbc, now.minus(policy.observationWindow()));
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("defender: cannot delete expired offences from the catalog: {}", e.toString());
        }
    }

    /**
     * Bans {@code address} now (an IPv6 address or /64: the /64), one level longer than its previous ban if that is
     * not yet forgotten.
     *
     * @param actor {@value #ACTOR} for automatic bans, else the administrator
     */
    public Ban ban(String address, String reason, String actor) {
        String key = SourceAddress.keyOf(address)
                .orElseThrow(() -> new IllegalArgumentException("not an IP address: \"" + address + "\""));
        return record(database.inTransaction(jdbc -> save(jdbc, key, reason, actor, clock.instant())), actor);
    }

    /**
     * The automatic ban of an address whose score reached the threshold, unless a ban is already in force (another
     * node, seeing the same shared score at the same moment, banned it first): one ban, not one level per node.
     */
    private void banUnlessBanned(String key, String reason) {
        Instant now = clock.instant();
        Optional<Ban> ban = database.inTransaction(jdbc -> {
            if (store.find(jdbc, key).filter(previous -> previous.activeAt(now)).isPresent()) {
                return Optional.<Ban>empty();
            }
            return Optional.of(save(jdbc, key, reason, ACTOR, now));
        });
        ban.ifPresent(b -> record(b, ACTOR));
    }

    /** Writes the ban, one level above a previous one not yet forgotten, clears the address's score, audits it. */
    private Ban save(Jdbc jdbc, String key, String reason, String actor, Instant now) throws SQLException {
        store.forget(jdbc, now.minus(policy.forgetAfter()));
        Optional<Ban> previous = store.find(jdbc, key);
        int level = previous.filter(p -> p.until().plus(policy.forgetAfter()).isAfter(now))
                .map(p -> p.level() + 1).orElse(1);
        Ban next = new Ban(key, level, now.plus(policy.banTimeFor(level)), reason);
        store.save(jdbc, next, now);
        offences.clear(jdbc, key, now);
        audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.empty(), actor,
                AuditEvent.AdminAction.SOURCE_BANNED, "source-address " + key + " banned until " + next.until()
                + " (level " + level + "): " + reason));
        return next;
    }

    private Ban record(Ban ban, String actor) {
        Map<String, Instant> copy = new ConcurrentHashMap<>(banned);
        copy.put(ban.address(), ban.until());
        banned = copy;
        metrics.banned(actor.equals(ACTOR) ? "automatic" : "manual");
        LOG.warn("defender: banned {} until {} (level {}): {}", ban.address(), ban.until(), ban.level(), ban.reason());
        return ban;
    }

    /** Lifts a ban (an IPv6 address's lifts its /64's) and forgets its level; false if the address was not banned. */
    public boolean unban(String address, String actor) {
        String key = SourceAddress.canonical(address);
        Instant now = clock.instant();
        boolean removed = database.inTransaction(jdbc -> {
            Optional<Ban> ban = store.find(jdbc, key);
            if (ban.isEmpty()) {
                return false;
            }
            store.delete(jdbc, key);
            offences.clear(jdbc, key, now);
            audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.empty(), actor,
                    AuditEvent.AdminAction.SOURCE_UNBANNED, "source-address " + key + " unbanned"));
            return ban.get().activeAt(now);
        });
        Map<String, Instant> copy = new ConcurrentHashMap<>(banned);
        copy.remove(key);
        banned = copy;
        if (removed) {
            metrics.unbanned();
        }
        return removed;
    }

    /** Bans in force now, from the catalog (so the list is the same on every node). */
    public List<Ban> activeBans() {
        return database.read(jdbc -> store.active(jdbc, clock.instant()));
    }

    /** Reloads the ban cache from the catalog and forgets long-expired bans. */
    public void refresh() {
        Instant now = clock.instant();
        List<Ban> active = activeBans();
        banned = active.stream().collect(Collectors.toUnmodifiableMap(Ban::address, Ban::until, (a, b) -> b));
        loadedAt = now;
    }

    private boolean isBanned(String key, Instant now) {
        Instant until = cache().get(key);
        return until != null && until.isAfter(now);
    }

    /**
     * The bans, reloaded by the first caller that finds them stale. Only that caller waits for the catalog;
     * callers arriving meanwhile (other network threads) use the bans already loaded rather than queue behind
     * a slow catalog, except before the first load, when they wait for it (fail closed).
     */
    private Map<String, Instant> cache() {
        Instant now = clock.instant();
        if (now.isBefore(loadedAt.plus(policy.refreshInterval()))) {
            return banned;
        }
        if (loadedAt.equals(Instant.EPOCH)) {
            reloading.lock();
        } else if (!reloading.tryLock()) {
            return banned;
        }
        try {
            if (!now.isBefore(loadedAt.plus(policy.refreshInterval()))) {
                refresh();
            }
        } catch (RuntimeException e) {
            LOG.warn("defender: cannot reload bans from the catalog, keeping the cached ones: {}", e.toString());
            loadedAt = now;
        } finally {
            reloading.unlock();
        }
        return banned;
    }
}
