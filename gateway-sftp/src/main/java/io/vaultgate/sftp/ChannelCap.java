package io.vaultgate.sftp;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;

/**
 * At most {@code cap} channels open at once on one connection (OpenSSH's {@code MaxSessions}). One more is refused with
 * {@code SSH_MSG_CHANNEL_OPEN_FAILURE} ("additional sessions disabled") and the connection and its other channels go
 * on, as OpenSSH does. MINA's own {@code max-sshd-channels} closes the whole connection instead, so it is not used:
 * this listener closes the connection service to new channels when the cap is reached and opens it again when one of
 * them closes.
 *
 * <p>A channel is counted once however often MINA reports it: a channel closed gracefully and then at once (its
 * {@code CLOSE} write timed out) is reported closed twice, and counting reports instead of channels let a client
 * that stalls the server's writes open a channel more each time.
 *
 * <p>It never reopens a service that was closed to new channels before it reached the cap (a client's
 * {@code no-more-sessions@openssh.com}). A client that sends that request while at the cap has it undone when one of
 * its channels closes; OpenSSH's {@code ssh} sends it after opening its one session channel, never at a cap of 10.
 */
final class ChannelCap implements ChannelListener {

    private static final AttributeKey<OpenChannels> OPEN = new AttributeKey<>();

    private final int cap;

    ChannelCap(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("channels per connection: " + cap + " is not allowed; give 1 or more");
        }
        this.cap = cap;
    }

    @Override
    public void channelInitialized(Channel channel) {
        openChannels(channel.getSession()).opened(channel, cap);
    }

    @Override
    public void channelClosed(Channel channel, Throwable reason) {
        openChannels(channel.getSession()).closed(channel, cap);
    }

    private static OpenChannels openChannels(Session session) {
        return session.computeAttributeIfAbsent(OPEN, key -> new OpenChannels());
    }

    /** The channels of one connection; whether this cap closed its connection service to new ones. */
    private static final class OpenChannels {
        private final Set<Channel> open = Collections.newSetFromMap(new IdentityHashMap<>());
        private boolean closedByCap;

        synchronized void opened(Channel channel, int cap) {
            if (!open.add(channel)) {
                return;
            }
            ConnectionService service = channel.getSession().getService(ConnectionService.class);
            if (open.size() >= cap && service != null && service.isAllowMoreSessions()) {
                service.setAllowMoreSessions(false);
                closedByCap = true;
            }
        }

        synchronized void closed(Channel channel, int cap) {
            if (!open.remove(channel)) {
                return;
            }
            ConnectionService service = channel.getSession().getService(ConnectionService.class);
            if (open.size() < cap && closedByCap && service != null) {
                service.setAllowMoreSessions(true);
                closedByCap = false;
            }
        }
    }
}
