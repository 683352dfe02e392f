package io.vaultgate.core.forward;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * One HTTP client per site, built from the site's forwarding configuration and rebuilt when that
 * configuration or the client key file changes (a renewed key is picked up without a restart), so that connections to a site are reused across forwards. HTTP/1.1 only, no
 * redirects (a redirect could leave the pinned site), no proxy, no cookies.
 */
final class SiteClients {

    private record Entry(SiteForwarding site, FileTime keyModified, HttpClient client) {
    }

    private final Map<String, Entry> clients = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Duration connectTimeout;

    SiteClients(SecureRandom random, Duration connectTimeout) {
        this.random = random;
        this.connectTimeout = connectTimeout;
    }

    HttpClient client(SiteForwarding site) throws IOException, GeneralSecurityException {
        FileTime keyModified = Files.getLastModifiedTime(site.clientKeyFile());
        Entry entry = clients.get(site.siteId());
        if (entry != null && entry.site().equals(site) && entry.keyModified().equals(keyModified)) {
            return entry.client();
        }
        SSLContext context = SiteTls.context(site, random);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(connectTimeout)
                .sslContext(context)
                .sslParameters(SiteTls.parameters(context))
                .build();
        clients.put(site.siteId(), new Entry(site, keyModified, client));
        return client;
    }
}
