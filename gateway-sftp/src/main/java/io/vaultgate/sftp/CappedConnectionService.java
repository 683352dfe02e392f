package io.vaultgate.sftp;

import java.io.IOException;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.ValidateUtils;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * MINA's {@code ssh-connection} service with {@link ChannelCap} asked before each {@code SSH_MSG_CHANNEL_OPEN}: over
 * the cap the open is refused as MINA refuses one after {@code no-more-sessions@openssh.com}
 * ({@code SSH_OPEN_CONNECT_FAILED}, "additional sessions disabled"), without touching that request's flag. A channel
 * type the server does not serve is left to MINA, which refuses it as unknown, and is no cap refusal. Everything
 * else is MINA's.
 */
final class CappedConnectionService extends ServerConnectionService {

    /** MINA's reason text for a channel refused because no more sessions are allowed. */
    static final String REFUSAL = "additional sessions disabled";

    private final ChannelCap cap;

    private CappedConnectionService(AbstractServerSession session, ChannelCap cap) throws IOException {
        super(session);
        this.cap = cap;
    }

    @Override
    protected void channelOpen(Buffer buffer) throws Exception {
        if (!isClosing() && isAllowMoreSessions()) {
            int start = buffer.rpos();
            String type = buffer.getString();
            long sender = buffer.getUInt();
            buffer.rpos(start);
            if (served(type) && cap.refuses(getSession(), getChannels().size())) {
                sendChannelOpenFailure(buffer, sender, SshConstants.SSH_OPEN_CONNECT_FAILED, REFUSAL, "");
                return;
            }
        }
        super.channelOpen(buffer);
    }

    /**
     * Whether the server has a channel of {@code type}, found as MINA finds it ({@code NamedFactory.create}: by name,
     * ignoring case). A type it has none of is no channel the cap would let in: MINA refuses it as unknown
     * ({@code SSH_OPEN_UNKNOWN_CHANNEL_TYPE}), at the cap as below it, and it is not counted as a cap refusal.
     */
    private boolean served(String type) {
        List<? extends ChannelFactory> factories = getSession().getFactoryManager().getChannelFactories();
        return NamedResource.findByName(type, String.CASE_INSENSITIVE_ORDER, factories) != null;
    }

    /** MINA's {@link ServerConnectionServiceFactory} making the capped service. */
    static final class Factory extends ServerConnectionServiceFactory {
        private final ChannelCap cap;

        Factory(ChannelCap cap) {
            this.cap = cap;
        }

        @Override
        public Service create(Session session) throws IOException {
            AbstractServerSession server = ValidateUtils.checkInstanceOf(session, AbstractServerSession.class,
                    "Not a server session: %s", session);
            CappedConnectionService service = new CappedConnectionService(server, cap);
            service.addPortForwardingEventListenerManager(this);
            return service;
        }
    }
}
