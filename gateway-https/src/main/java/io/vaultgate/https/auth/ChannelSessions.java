package io.vaultgate.https.auth;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.session.LiveSessions;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.https.http.ConnectionChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Registers an HTTPS connection in the core's live sessions once a request on it authenticated, so that a
 * lockdown or a revocation closes it, mid-upload included, and remembers who logged in on it. A keep-alive
 * connection keeps one registration while the same principal and credential come back, and swaps it when
 * another logs in on it. The registration ends when the connection closes.
 *
 * <p>Everything here belongs to the TCP connection ({@link ConnectionChannel}), also for a request on an HTTP/2
 * stream: the registration closes the whole connection, not one stream. Requests of an HTTP/2 connection run at
 * the same time, so each login on it keeps its own registration until the connection closes (one stream's login
 * must not end another's while that one still streams); on HTTP/1.1 a new login replaces the previous one.
 *
 * <p>A later request on the connection that presents exactly the same credential (compared by a SHA-256 of
 * what was presented, never kept in clear) within {@code reuseFor} of its check is the same login, as an SFTP
 * session's requests are: {@link #reuse} answers its principal without asking the core again. What would
 * end the login ends the connection instead (a revocation, a lockdown), and after {@code reuseFor} the
 * credential is checked again, so an expiry takes effect within that time.
 */
final class ChannelSessions {

    private record Login(Principal principal, String credential, byte[] presented, long checkedAt,
                         LiveSessions.Registration registration) {

        boolean sameAs(Principal other, String otherCredential) {
            return principal.name().equals(other.name()) && credential.equals(otherCredential);
        }
    }

    /** The logins of one connection; requests of an HTTP/2 connection reach it from several threads. */
    private static final class Logins {
        private final List<Login> current = new ArrayList<>();
        private boolean closed;
    }

    private static final AttributeKey<Logins> LOGINS = AttributeKey.valueOf(ChannelSessions.class, "logins");

    private final LiveSessions sessions;
    private final long reuseNanos;
    private final LongSupplier nanoClock;

    ChannelSessions(LiveSessions sessions, Duration reuseFor, LongSupplier nanoClock) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.reuseNanos = reuseFor.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The principal that logged in on {@code channel}'s connection with the same {@code presented} credential, if still fresh. */
    Optional<Principal> reuse(Channel channel, byte[] presented) {
        Logins logins = ConnectionChannel.of(channel).attr(LOGINS).get();
        if (logins == null) {
            return Optional.empty();
        }
        long now = nanoClock.getAsLong();
        synchronized (logins) {
            for (Login login : logins.current) {
                if (MessageDigest.isEqual(login.presented(), presented) && now - login.checkedAt() <= reuseNanos) {
                    return Optional.of(login.principal());
                }
            }
        }
        return Optional.empty();
    }

    /** @param presented a SHA-256 of what the client presented, for {@link #reuse} */
    void register(Channel channel, Principal principal, String credential, String source, byte[] presented) {
        Channel connection = ConnectionChannel.of(channel);
        boolean multiplexed = ConnectionChannel.isStream(channel);
        Logins logins = logins(connection);
        long now = nanoClock.getAsLong();
        List<LiveSessions.Registration> replaced = new ArrayList<>();
        synchronized (logins) {
            for (int i = 0; i < logins.current.size(); i++) {
                Login login = logins.current.get(i);
                if (login.sameAs(principal, credential)) {
                    logins.current.set(i, new Login(principal, credential, presented, now, login.registration()));
                    return;
                }
            }
            if (!multiplexed) {
                logins.current.forEach(login -> replaced.add(login.registration()));
                logins.current.clear();
            }
            if (!logins.closed) {
                LiveSessions.Registration registration = sessions.register(principal, credential, Protocol.HTTPS,
                        source, reason -> connection.close());
                logins.current.add(new Login(principal, credential, presented, now, registration));
            }
        }
        replaced.forEach(LiveSessions.Registration::close);
    }

    private static Logins logins(Channel connection) {
        Logins fresh = new Logins();
        Logins existing = connection.attr(LOGINS).setIfAbsent(fresh);
        if (existing != null) {
            return existing;
        }
        connection.closeFuture().addListener(closed -> {
            List<Login> last;
            synchronized (fresh) {
                fresh.closed = true;
                last = new ArrayList<>(fresh.current);
                fresh.current.clear();
            }
            last.forEach(login -> login.registration().close());
        });
        return fresh;
    }
}
