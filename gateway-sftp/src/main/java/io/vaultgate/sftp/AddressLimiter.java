package io.vaultgate.sftp;

import io.vaultgate.sftp.auth.SessionPrincipal;
import io.vaultgate.sftp.proxy.AdmissionCheck;
import io.vaultgate.sftp.proxy.ProxyTrust;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps concurrent connections per source IP address, counted from connect (before authentication), so one
 * address cannot exhaust the server's sessions. A connection over the cap is dropped at once. A connection from a
 * trusted balancer is counted against the address its PROXY header names, once the header is read.
 */
final class AddressLimiter implements SessionListener, AdmissionCheck {

    private static final Logger LOG = LoggerFactory.getLogger(AddressLimiter.class);
    private static final AttributeKey<String> COUNTED = new AttributeKey<>();

    private final int maxPerAddress;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final ProxyTrust proxies;

    AddressLimiter(int maxPerAddress) {
        this(maxPerAddress, ProxyTrust.none());
    }

    AddressLimiter(int maxPerAddress, ProxyTrust proxies) {
        this.maxPerAddress = maxPerAddress;
        this.proxies = proxies;
    }

    @Override
    public void sessionCreated(Session session) {
        if (!proxies.trusts(session)) {
            admit(session);
        }
    }

    @Override
    public void admit(Session session) {
        String address = SessionPrincipal.sourceAddress(session);
        int count = open.merge(address, 1, Integer::sum);
        if (count > maxPerAddress) {
            release(address);
            LOG.warn("sftp connection refused: {} already has {} connections (sftp.limits.maxSessionsPerAddress)",
                    address, maxPerAddress);
            throw new IllegalStateException("too many connections from " + address);
        }
        session.setAttribute(COUNTED, address);
    }

    @Override
    public void sessionClosed(Session session) {
        String address = session.removeAttribute(COUNTED);
        if (address != null) {
            release(address);
        }
    }

    int openFrom(String address) {
        return open.getOrDefault(address, 0);
    }

    private void release(String address) {
        open.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
    }
}
