package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.forward.ForwardingAdministration;
import io.vaultgate.core.forward.SiteForwarding;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.seal.SitePrivateKey;
import io.vaultgate.https.TlsMaterial;
import io.vaultgate.https.receiver.ReceiverSettings;
import io.vaultgate.https.receiver.SiteReceiver;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.DemoSetup;
import io.vaultgate.server.ForwardingCa;
import io.vaultgate.server.StartupException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The demo's BPO site, so that a newcomer sees a file arrive: the reference receiver on a free loopback
 * port, dropping into {@code <home>/demo-site/}, and the demo tenant's uploads routed to it (push). Its
 * server certificate is issued by the gateway CA, which the gateway pins for the site; the gateway's client
 * certificate by the forwarding CA ({@link ForwardingCa}), the only CA whose clients the receiver accepts.
 * Forwarding is sealed: the site's X25519 key ({@code <home>/demo/site-x25519.key}, which in real life only the
 * site holds) opens the envelopes the gateway sends as stored. The endpoint is set afresh at every start, so jobs left
 * from an earlier run go to the new port. Both certificates are issued afresh at every start for {@link #VALIDITY},
 * like the gateway's own HTTPS certificate: longer than the 30 days within which {@code vaultgate status} and {@code
 * vaultgate doctor} warn of an expiring certificate, so a fresh demo raises no certificate alert.
 */
final class DemoSite implements AutoCloseable {

    static final String DROP = "demo-site";
    /** The demo site's server and client certificates' validity, as the server certificate {@code init} issues. */
    static final Duration VALIDITY = Duration.ofDays(397);

    private final SiteReceiver receiver;
    private final Path drop;

    private DemoSite(SiteReceiver receiver, Path drop) {
        this.receiver = receiver;
        this.drop = drop;
    }

    static DemoSite start(GatewayCore core, DataDirectory home) {
        Path drop = home.home().resolve(DROP);
        Clock clock = Clock.systemUTC();
        try {
            CertificateAuthority ca = new CertificateAuthority(IssuedCertificate.read(home.caKey(),
                    home.caCertificate()), new SecureRandom(), clock);
            IssuedCertificate server = ca.issueServer("vaultgate demo site", List.of("localhost"),
                    List.of("127.0.0.1"), VALIDITY);
            SitePrivateKey siteKey = siteKey(home.home().resolve("demo").resolve("site-x25519.key"));
            CertificateAuthority forwarding = ForwardingCa.openOrCreate(home, new SecureRandom(), clock);
            ReceiverSettings settings = ReceiverSettings.of(DemoSetup.SITE, new InetSocketAddress("127.0.0.1", 0),
                    drop, List.of(forwarding.certificate())).withSiteKey(siteKey);
            SiteReceiver receiver = SiteReceiver.start(settings, TlsMaterial.of(server.privateKey(), server.chain()));
            try {
                ForwardingAdministration admin = core.forwarding().administration();
                Path key = home.tlsDir().resolve("forward-" + DemoSetup.SITE + ".key").toAbsolutePath();
                IssuedCertificate client = admin.issueClientCertificate(DemoSetup.SITE, forwarding, key,
                        VALIDITY);
                admin.configureSite(new SiteForwarding(DemoSetup.SITE,
                        URI.create("https://127.0.0.1:" + receiver.address().getPort()), List.of(ca.certificate()),
                        client.chain(), key, Optional.empty(), 4, true));
                Actor.sites(core).setRecipientKey(DemoSetup.SITE, Optional.of(siteKey.publicKey())); // audited
                routeDemoTenant(core);
                return new DemoSite(receiver, drop);
            } catch (RuntimeException e) {
                receiver.close();
                throw e;
            }
        } catch (IOException e) {
            throw new StartupException("demo site " + drop, "cannot start the demo site receiver: " + e.getMessage(),
                    "check the data directory's permissions, or remove " + drop, e);
        }
    }

    private static SitePrivateKey siteKey(Path file) throws IOException {
        if (Files.exists(file)) {
            return SitePrivateKey.read(file);
        }
        SitePrivateKey created = SitePrivateKey.generate(new SecureRandom());
        created.write(file);
        return created;
    }

    private static void routeDemoTenant(GatewayCore core) {
        TenantId tenant = TenantId.of(DemoSetup.TENANT);
        boolean routed = core.sites().routes(tenant).stream()
                .anyMatch(route -> route.siteId().equals(DemoSetup.SITE) && route.mode() == RouteMode.PUSH);
        if (!routed) {
            Actor.sites(core).addRoute(tenant, DemoSetup.SITE, RouteMode.PUSH, PathPolicy.parse("/inbox"), 0, 0,
                    Duration.ZERO);
        }
    }

    /** The receiver's address: always on loopback, at a free port. */
    InetSocketAddress address() {
        return receiver.address();
    }

    /** Where forwarded files appear: {@code <drop>/<tenant>/<account>/<path>}. */
    Path drop() {
        return drop;
    }

    @Override
    public void close() {
        receiver.close();
    }
}
