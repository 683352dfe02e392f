package io.vaultgate.core.forward;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The connections to each site, built from the site's forwarding configuration and rebuilt when that
 * configuration or the client key file changes (a renewed key is picked up without a restart; the old
 * idle connections are closed), so that connections to a site are kept alive across forwards. The clock
 * decides when a kept-alive connection's certificates or the site's CRLs stop being trusted
 * ({@link SiteConnections}); it is the forwarder's, the system clock in production.
 */
final class SiteClients implements AutoCloseable {

    private record Entry(SiteForwarding site, FileTime keyModified, SiteConnections connections) {
    }

    private final Map<String, Entry> clients = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Duration connectTimeout;
    private final ScheduledExecutorService timer;
    private final SiteTlsProvider provider;
    private final Clock clock;

    /** @param timer bounds each handshake by {@code connectTimeout} */
    SiteClients(SecureRandom random, Duration connectTimeout, ScheduledExecutorService timer, Clock clock) {
        this(random, connectTimeout, timer, SiteTlsProvider.preferred(), clock);
    }

    SiteClients(SecureRandom random, Duration connectTimeout, ScheduledExecutorService timer,
                SiteTlsProvider provider, Clock clock) {
        this.random = random;
        this.connectTimeout = connectTimeout;
        this.timer = timer;
        this.provider = provider;
        this.clock = clock;
    }

    SiteConnections client(SiteForwarding site) throws IOException, GeneralSecurityException {
        FileTime keyModified = Files.getLastModifiedTime(site.clientKeyFile());
        Entry entry = clients.get(site.siteId());
        if (entry != null && entry.site().equals(site) && entry.keyModified().equals(keyModified)) {
            return entry.connections();
        }
        SiteConnections connections = new SiteConnections(site, SiteTls.connector(site, random, provider),
                connectTimeout, timer, clock);
        Entry previous = clients.put(site.siteId(), new Entry(site, keyModified, connections));
        if (previous != null) {
            previous.connections().close();
        }
        return connections;
    }

    /** Closes every idle connection. */
    @Override
    public void close() {
        clients.values().forEach(entry -> entry.connections().close());
        clients.clear();
    }
}
