package io.vaultgate.sftp.proxy;

import io.vaultgate.sftp.auth.SessionPrincipal;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.ServerProxyAcceptor;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the PROXY header MINA hands over before the SSH identification line. From a trusted balancer the header is
 * required: its source address becomes the session's client address ({@link SessionPrincipal#sourceAddress}) and
 * the admission checks deferred at accept run on it. From any other peer a header is refused, so no client can
 * choose its own address. A refused or malformed header closes the connection with one log line.
 * MINA may call this again for the same session while the identification line is incomplete: the header is
 * parsed again (to skip it) but the client is admitted only once.
 */
public final class ProxyProtocolAcceptor implements ServerProxyAcceptor {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolAcceptor.class);
    private static final AttributeKey<Boolean> ADMITTED = new AttributeKey<>();

    private final ProxyTrust trust;
    private final List<AdmissionCheck> checks;

    public ProxyProtocolAcceptor(ProxyTrust trust, List<AdmissionCheck> checks) {
        this.trust = trust;
        this.checks = List.copyOf(checks);
    }

    @Override
    public boolean acceptServerProxyMetadata(ServerSession session, Buffer buffer) throws Exception {
        byte[] data = buffer.array();
        int offset = buffer.rpos();
        int length = buffer.available();
        Object peer = session.getIoSession().getRemoteAddress();
        if (!trust.trusts(session)) {
            if (ProxyHeaderParser.looksLikeHeader(data, offset, length)) {
                LOG.warn("sftp connection from {} closed: it sent a PROXY header but is not in "
                        + "sftp.proxy-protocol.trusted", peer);
                throw new ProxyProtocolException("PROXY header from untrusted peer " + peer);
            }
            return true;
        }
        Optional<ProxyHeader> header;
        try {
            header = ProxyHeaderParser.parse(data, offset, length);
        } catch (ProxyProtocolException e) {
            LOG.warn("sftp connection from balancer {} closed: {}", peer, e.getMessage());
            throw e;
        }
        if (header.isEmpty()) {
            return false;
        }
        buffer.rpos(offset + header.get().length());
        if (session.getAttribute(ADMITTED) == null) {
            session.setAttribute(ADMITTED, Boolean.TRUE);
            header.get().source().ifPresent(source -> SessionPrincipal.recordProxiedSource(session, source));
            admit(session);
        }
        return true;
    }

    private void admit(ServerSession session) throws IOException {
        try {
            for (AdmissionCheck check : checks) {
                check.admit(session);
            }
        } catch (RuntimeException e) {
            LOG.info("sftp connection via balancer refused: {}", e.getMessage());
            throw new ProxyProtocolException(e.getMessage());
        }
    }
}
