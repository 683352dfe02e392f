package io.vaultgate.sftp;

import io.vaultgate.core.defender.RefusalLog;
import io.vaultgate.core.defender.SourceAddress;
import io.vaultgate.sftp.auth.SessionPrincipal;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.ServiceFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code cap} channels open at once on one connection (OpenSSH's {@code MaxSessions}). One more is refused with
 * {@code SSH_MSG_CHANNEL_OPEN_FAILURE} ({@code SSH_OPEN_CONNECT_FAILED}, "additional sessions disabled") and the
 * connection and its other channels go on, as OpenSSH does. MINA's own {@code max-sshd-channels} closes the whole
 * connection instead, so it is not used. The refusal is made by the connection service ({@link
 * CappedConnectionService}, which asks {@link #refuses} before MINA handles a {@code CHANNEL_OPEN}); each is counted
 * ({@code vaultgate_sftp_channels_refused_total}) and logged as one WARN a minute at most, naming the sources refused
 * most ({@link RefusalLog}). A channel of a type the server does not serve is not asked about: MINA refuses it as
 * unknown ({@code SSH_OPEN_UNKNOWN_CHANNEL_TYPE}) at the cap as below it, and it is no cap refusal.
 *
 * <p>The cap never touches MINA's allow-more-sessions flag of the connection service: that flag is the client's alone
 * ({@code no-more-sessions@openssh.com}, which MINA's {@code NoMoreSessionsHandler} records by clearing it), so a
 * client that asked for no more sessions never gets one again, whether or not it was at the cap when it asked. (When
 * the cap cleared and set the flag itself, a channel closing after such a request set it again.)
 *
 * <p>The channels counted are those in MINA's registry of the connection: a channel leaves it only once its close has
 * completed. A channel the server closed gracefully whose {@code CLOSE} the client never answers stays there, and
 * keeps its SFTP thread, so it keeps its place too: counting MINA's close reports instead (which come when the close
 * begins) let a client that never answers {@code CLOSE} hold any number of channels and threads.
 */
final class ChannelCap {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelCap.class);

    private final int cap;
    private final Runnable onRefusal;
    private final RefusalLog refusals = new RefusalLog(LOG);

    /** @param onRefusal counts one channel refused for the cap */
    ChannelCap(int cap, Runnable onRefusal) {
        if (cap < 1) {
            throw new IllegalArgumentException("channels per connection: " + cap + " is not allowed; give 1 or more");
        }
        this.cap = cap;
        this.onRefusal = onRefusal;
    }

    /**
     * Caps the channels of every connection of {@code server}: they are refused over the cap by its connection service
     * (in place of MINA's {@link ServerConnectionServiceFactory}).
     *
     * @throws IllegalStateException if the server has no MINA connection service to replace
     */
    static ChannelCap install(SshServer server, int cap, Runnable onRefusal) {
        ChannelCap channelCap = new ChannelCap(cap, onRefusal);
        List<? extends ServiceFactory> factories = server.getServiceFactories();
        if (factories == null || factories.isEmpty()) {
            factories = SshServer.DEFAULT_SERVICE_FACTORIES; // what MINA takes at start when none is set
        }
        List<ServiceFactory> capped = new ArrayList<>();
        boolean replaced = false;
        for (ServiceFactory factory : factories) {
            if (factory instanceof ServerConnectionServiceFactory) {
                capped.add(new CappedConnectionService.Factory(channelCap));
                replaced = true;
            } else {
                capped.add(factory);
            }
        }
        if (!replaced) {
            throw new IllegalStateException("the channel cap needs MINA's ssh-connection service among the server's"
                    + " service factories, and there is none: " + factories);
        }
        server.setServiceFactories(capped);
        return channelCap;
    }

    /**
     * Whether a channel {@code session}'s client asks to open now, with {@code open} channels in the connection's
     * registry, is over the cap; if so, counted and perhaps logged, and the caller refuses it. Asked on the thread that
     * handles the session's messages, in order, before MINA registers the channel, so two opens never both pass.
     */
    boolean refuses(Session session, int open) {
        if (open < cap) {
            return false;
        }
        onRefusal.run();
        String address = SessionPrincipal.sourceAddress(session);
        String source = SourceAddress.canonical(address);
        refusals.refused(source, since -> "sftp channel refused: a connection from " + address + " (source " + source
                + ") already has " + cap + " channels open (maxChannelsPerConnection); " + since
                + " (logged at most once a minute)");
        return true;
    }
}
