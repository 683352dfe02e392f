package io.vaultgate.https.auth;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.session.LiveSessions;
import io.vaultgate.core.tenant.Protocol;
import java.util.Objects;

/**
 * Registers an HTTPS connection in the core's live sessions once a request on it authenticated, so that a
 * lockdown or a revocation closes it, mid-upload included. HTTP authenticates every request: a keep-alive
 * connection keeps one registration while the same principal and credential come back, and swaps it when
 * another logs in on it. The registration ends when the connection closes.
 */
final class ChannelSessions {

    private record Current(String principal, String credential, LiveSessions.Registration registration) {
    }

    private static final AttributeKey<Current> CURRENT = AttributeKey.valueOf(ChannelSessions.class, "session");

    private final LiveSessions sessions;

    ChannelSessions(LiveSessions sessions) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    void register(Channel channel, Principal principal, String credential, String source) {
        Current current = channel.attr(CURRENT).get();
        if (current != null && current.principal().equals(principal.name()) && current.credential().equals(credential)) {
            return;
        }
        if (current != null) {
            current.registration().close();
        }
        LiveSessions.Registration registration = sessions.register(principal, credential, Protocol.HTTPS, source,
                reason -> channel.close());
        channel.attr(CURRENT).set(new Current(principal.name(), credential, registration));
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
