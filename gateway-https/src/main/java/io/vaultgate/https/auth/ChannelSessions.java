package io.vaultgate.https.auth;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.session.LiveSessions;
import io.vaultgate.core.tenant.Protocol;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Registers an HTTPS connection in the core's live sessions once a request on it authenticated, so that a
 * lockdown or a revocation closes it, mid-upload included, and remembers who logged in on it. A keep-alive
 * connection keeps one registration while the same principal and credential come back, and swaps it when
 * another logs in on it. The registration ends when the connection closes.
 *
 * <p>A later request on the connection that presents exactly the same credential (compared by a SHA-256 of
 * what was presented, never kept in clear) within {@code reuseFor} of its check is the same login, as an SFTP
 * session's requests are: {@link #reuse} answers its principal without asking the core again. What would
 * end the login ends the connection instead (a revocation, a lockdown), and after {@code reuseFor} the
 * credential is checked again, so an expiry takes effect within that time.
 */
final class ChannelSessions {

    private record Current(Principal principal, String credential, byte[] presented, long checkedAt,
                           LiveSessions.Registration registration) {
    }

    private static final AttributeKey<Current> CURRENT = AttributeKey.valueOf(ChannelSessions.class, "session");

    private final LiveSessions sessions;
    private final long reuseNanos;
    private final LongSupplier nanoClock;

    ChannelSessions(LiveSessions sessions, Duration reuseFor, LongSupplier nanoClock) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.reuseNanos = reuseFor.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The principal that logged in on {@code channel} with the same {@code presented} credential, if still fresh. */
    Optional<Principal> reuse(Channel channel, byte[] presented) {
        Current current = channel.attr(CURRENT).get();
        if (current == null || !MessageDigest.isEqual(current.presented(), presented)
                || nanoClock.getAsLong() - current.checkedAt() > reuseNanos) {
            return Optional.empty();
        }
        return Optional.of(current.principal());
    }

    /** @param presented a SHA-256 of what the client presented, for {@link #reuse} */
    void register(Channel channel, Principal principal, String credential, String source, byte[] presented) {
        long now = nanoClock.getAsLong();
        Current current = channel.attr(CURRENT).get();
        if (current != null && current.principal().name().equals(principal.name())
                && current.credential().equals(credential)) {
            channel.attr(CURRENT).set(new Current(principal, credential, presented, now, current.registration()));
            return;
        }
        if (current != null) {
            current.registration().close();
        }
        LiveSessions.Registration registration = sessions.register(principal, credential, Protocol.HTTPS, source,
                reason -> channel.close());
        channel.attr(CURRENT).set(new Current(principal, credential, presented, now, registration));
        if (current == null) {
            channel.closeFuture().addListener(closed -> {
                Current last = channel.attr(CURRENT).getAndSet(null);
                if (last != null) {
                    last.registration().close();
                }
            });
        }
    }
}
