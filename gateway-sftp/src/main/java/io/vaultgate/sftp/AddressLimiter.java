package io.vaultgate.sftp;

import io.vaultgate.core.defender.RefusalLog;
import io.vaultgate.core.defender.SourceAddress;
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
 * Caps concurrent connections per source, counted from connect (before authentication), so one source cannot
 * exhaust the server's sessions. A source is what the defender scores and bans ({@link SourceAddress#key}): an IPv4
 * address, or an IPv6 address's /64, since any IPv6 client holds a whole /64 and would otherwise hold the cap once
 * per address it takes. A connection over the cap ({@code sftp.max-connections-per-source}) is dropped at once and
 * counted ({@code vaultgate_sftp_connections_refused_total{reason="max_connections_per_source"}}). A connection from a
 * trusted balancer is counted against the address its PROXY header names, once the header is read.
 */
final class AddressLimiter implements SessionListener, AdmissionCheck {

    private static final Logger LOG = LoggerFactory.getLogger(AddressLimiter.class);
    private static final AttributeKey<String> COUNTED = new AttributeKey<>();

    private final int maxPerAddress;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final ProxyTrust proxies;
    private final Runnable refused;
    private final RefusalLog refusals = new RefusalLog(LOG);

    AddressLimiter(int maxPerAddress) {
        this(maxPerAddress, ProxyTrust.none(), () -> { });
    }

    /** @param refused counts one connection refused for the cap */
    AddressLimiter(int maxPerAddress, ProxyTrust proxies, Runnable refused) {
        this.maxPerAddress = maxPerAddress;
        this.proxies = proxies;
        this.refused = refused;
    }

    @Override
    public void sessionCreated(Session session) {
        if (!proxies.trusts(session)) {
            admit(session);
        }
    }

    @Override
    public void admit(Session session) {
        session.setAttribute(COUNTED, take(SessionPrincipal.sourceAddress(session)));
    }

    /**
     * Counts one connection from {@code address} against its source; returns the source's key, to {@link #release}
     * when the connection closes.
     *
     * @throws IllegalStateException when the source already holds the cap (MINA then closes the connection)
     */
    String take(String address) {
        String source = SourceAddress.canonical(address);
        int count = open.merge(source, 1, Integer::sum);
        if (count > maxPerAddress) {
            release(source);
            refused.run();
            refusals.refused(source, since -> "sftp connection refused: " + address + " (source " + source
                    + ") already has " + maxPerAddress + " connections (sftp.max-connections-per-source); " + since
                    + " (logged at most once a minute)");
            throw new IllegalStateException("too many connections from " + address);
        }
        return source;
    }

    @Override
    public void sessionClosed(Session session) {
        String source = session.removeAttribute(COUNTED);
        if (source != null) {
            release(source);
        }
    }

    /** Connections open now from the source of {@code address} (its /64 for IPv6). */
    int openFrom(String address) {
        return open.getOrDefault(SourceAddress.canonical(address), 0);
    }

    void release(String source) {
        open.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
    }
}
