package io.vaultgate.core.forward;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What administrators do to a site's forwarding: configure it, issue its client certificate, read it back. */
public final class ForwardingAdministration {

    /** Directories made for a client key: its owner's only, as the data directory's others are, whatever the umask. */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Database database;
    private final ForwardingSites sites = new ForwardingSites();
    private final Clock clock;

    public ForwardingAdministration(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Sets (or replaces) a registered site's forwarding configuration; the key file must be readable now. */
    public void configureSite(SiteForwarding site) {
        if (!Files.isReadable(site.clientKeyFile())) {
            throw new GatewayException(Reason.INVALID_REQUEST, "site " + site.siteId() + ": client key file "
                    + site.clientKeyFile() + " is not readable; give the PEM private key of the client certificate");
        }
        database.inTransaction(jdbc -> {
            if (!sites.siteExists(jdbc, site.siteId())) {
                throw new GatewayException(Reason.NOT_FOUND, "site " + site.siteId() + " does not exist");
            }
            sites.save(jdbc, site, clock.instant());
            return null;
        });
    }

    /**
     * Refuses, before anything is issued or written for it, a site id that is not a valid id or not a registered
     * (not removed) site: the id names the site's client key file ({@code forward-<site>.key}), so a typo must leave
     * nothing on disk, and a path such as {@code ../../x} must never reach a file name.
     */
    public void requireSite(String siteId) {
        try {
            TenantId.of(siteId); // site ids follow the tenant id form (SiteAdministration.createSite)
        } catch (IllegalArgumentException e) {
            throw new GatewayException(Reason.INVALID_REQUEST, "site id " + siteId + ": " + e.getMessage());
        }
        if (!database.read(jdbc -> sites.siteExists(jdbc, siteId))) {
            throw new GatewayException(Reason.NOT_FOUND, "site " + siteId + " does not exist");
        }
    }

    /**
     * Issues the gateway's client certificate for a site from {@code ca}, the forwarding CA
     * ({@code <home>/tls/forwarding-ca.crt}), and writes its key to {@code keyFile} (0600). Give the site the
     * forwarding CA's certificate for its receiver's {@code --client-ca}, never the gateway CA's {@code ca.crt}: that
     * CA also issues the tenants' account certificates, which the receiver would then accept as the gateway. The
     * directories it creates for the key are {@code rwx------}; an existing one is left as it is.
     * The site is checked first ({@link #requireSite}): for an unknown or invalid id nothing is issued or written.
     */
    public IssuedCertificate issueClientCertificate(String siteId, CertificateAuthority ca, Path keyFile,
                                                    Duration validity) {
        requireSite(siteId);
        IssuedCertificate issued = ca.issueClient(ForwardProtocol.forwarderCommonName(siteId), validity);
        try {
            Files.createDirectories(keyFile.toAbsolutePath().getParent(), OWNER_ONLY_DIRECTORY);
            Pem.writePrivateKey(keyFile, issued.privateKey());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the client key " + keyFile, e);
        }
        return issued;
    }

    public Optional<SiteForwarding> site(String siteId) {
        return database.read(jdbc -> sites.find(jdbc, siteId));
    }

    public List<SiteForwarding> sites() {
        return database.read(sites::all);
    }
}
