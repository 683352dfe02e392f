package io.vaultgate.sftp;

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
        openChannels(channel.getSession()).opened(channel.getSession(), cap);
    }

    @Override
    public void channelClosed(Channel channel, Throwable reason) {
        openChannels(channel.getSession()).closed(channel.getSession(), cap);
    }

    private static OpenChannels openChannels(Session session) {
        return session.computeAttributeIfAbsent(OPEN, key -> new OpenChannels());
    }

    /** The channels of one connection; whether this cap closed its connection service to new ones. */
    private static final class OpenChannels {
        private int open;
        private boolean closedByCap;

        synchronized void opened(Session session, int cap) {
            open++;
            ConnectionService service = session.getService(ConnectionService.class);
            if (open >= cap && service != null && service.isAllowMoreSessions()) {
                service.setAllowMoreSessions(false);
                closedByCap = true;
            }
        }

        synchronized void closed(Session session, int cap) {
            open--;
            ConnectionService service = session.getService(ConnectionService.class);
            if (open < cap && closedByCap && service != null) {
                service.setAllowMoreSessions(true);
                closedByCap = false;
            }
        }
    }
}
