package io.vaultgate.core.session;

import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.tenant.Protocol;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authenticated sessions this node's front-ends hold open. A front-end registers each session once it
 * is authenticated and closes the registration when the connection ends; {@link SessionReaper} ends those
 * whose tenant was locked or whose credential was revoked. In memory and per node: each node's reaper reads
 * the catalog, so a lockdown or revocation on any node reaches sessions on all of them.
 */
public final class LiveSessions {

    private static final Logger LOG = LoggerFactory.getLogger(LiveSessions.class);

    private final Clock clock;
    private final Map<String, LiveSession> sessions = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Predicate<LiveSession> refuse = session -> false;

    public LiveSessions(Clock clock) {
        this.clock = clock;
    }

    /**
     * Registers an authenticated session. If it must already go (its tenant was locked or its credential
     * revoked since the check the login passed), it is disconnected at once.
     */
    public Registration register(Principal principal, String credential, Protocol protocol, String source,
                                 Disconnect disconnect) {
        String id = protocol.name().toLowerCase(java.util.Locale.ROOT) + "-" + ids.incrementAndGet();
        LiveSession session = new LiveSession(id, principal, credential, protocol, source, clock.instant(),
                disconnect);
        sessions.put(id, session);
        if (refuse.test(session)) {
            end(session, "its tenant is locked or its credential was revoked");
        }
        return () -> sessions.remove(id);
    }

    /** The sessions open now, oldest first. */
    public List<LiveSession> list() {
        List<LiveSession> all = new ArrayList<>(sessions.values());
        all.sort(Comparator.comparing(LiveSession::since));
        return all;
    }

    /** Ends every session {@code condition} selects; returns how many. */
    public int endWhere(Predicate<LiveSession> condition, String reason) {
        return endAll(condition, reason).size();
    }

    /** Ends every session {@code condition} selects; returns them, oldest first. */
    List<LiveSession> endAll(Predicate<LiveSession> condition, String reason) {
        List<LiveSession> ended = new ArrayList<>();
        for (LiveSession session : list()) {
            if (condition.test(session)) {
                end(session, reason);
                ended.add(session);
            }
        }
        return ended;
    }

    /** The clock sessions are registered by, for the reaper's "now". */
    Clock clock() {
        return clock;
    }

    /** What the reaper currently knows must go, checked again for sessions registered between its rounds. */
    void refuseWhere(Predicate<LiveSession> condition) {
        this.refuse = condition;
    }

    private void end(LiveSession session, String reason) {
        sessions.remove(session.id());
        LOG.warn("ending {} session {} of {} from {}: {}", session.protocol(), session.id(),
                session.principal().name(), session.source(), reason);
        try {
            session.disconnect().disconnect(reason);
        } catch (RuntimeException e) {
            LOG.warn("could not end session {}: {}", session.id(), e.toString());
        }
    }

    /** Ends the registration: the session closed by itself. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
