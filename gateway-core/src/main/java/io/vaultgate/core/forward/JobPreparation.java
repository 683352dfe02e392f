package io.vaultgate.core.forward;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.files.DecryptingFileOpener;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileOpener;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.files.StoredFileAccess;
import io.vaultgate.core.forward.DeliveryOutcome.Failed;
import io.vaultgate.core.forward.DeliveryOutcome.Gone;
import io.vaultgate.core.forward.DeliveryOutcome.Kind;
import io.vaultgate.core.tenant.TenantStatus;
import io.vaultgate.crypto.CryptoException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a claimed job ready to send ({@link PreparedJob}): looks up its file, the account that uploaded it, its
 * site, the file's key slot and its tenant's status in one statement ({@link JobLookup}), loads the site's client,
 * opens the file (decrypting it, or its stored envelope as it is for a site that takes sealed forwards) and builds
 * the request, whose body is read ahead from then on. A job whose tenant was locked down or shredded since its claim
 * opens nothing and is never sent ({@link TenantGate}). Nothing is sent and nothing recorded here; every failure
 * becomes the prepared job's outcome.
 */
final class JobPreparation {

    /** The attempt's log category, as before this class was split from it, so logging set up for it still applies. */
    private static final Logger LOG = LoggerFactory.getLogger(ForwardAttempt.class);

    private final Database database;
    private final JobLookup lookup;
    private final TenantRepository tenants = new TenantRepository();
    private final FileOpener opener;
    private final Optional<StoredEnvelopes> envelopes;
    private final ForwardingSites sites;
    private final SiteClients clients;
    private final SiteDelivery delivery;

    JobPreparation(Database database, FileOpener opener, Optional<StoredEnvelopes> envelopes,
                   ForwardingSites sites, SiteClients clients, SiteDelivery delivery) {
        this.database = database;
        this.lookup = new JobLookup(sites);
        this.opener = opener;
        this.envelopes = envelopes;
        this.sites = sites;
        this.clients = clients;
        this.delivery = delivery;
    }

    /**
     * The job's file, the login name of the account that uploaded it (its id if no account has it), the site, the
     * status of the job's tenant and, where the file is to be opened here, its key slot checked usable: one statement
     * ({@link JobLookup}) and the check of the slot's KEK version, in one catalog read.
     */
    private record Lookup(Optional<FileRecord> file, String account, Optional<SiteForwarding> site,
                          Optional<TenantStatus> tenant, Optional<StoredFileAccess.CheckedSlot> slot) {
    }

    /**
     * Looks up the job's file and site and opens the file, so that its first chunks are read (decrypted) from
     * now on. Never throws: a failure is kept in the prepared job.
     */
    PreparedJob prepare(ForwardJob job) {
        try {
            return open(job);
        } catch (RuntimeException e) {
            LOG.error("forward {} of file {} to site {} failed unexpectedly", job.id(), job.fileId(), job.siteId(), e);
            return PreparedJob.failed(job, new Failed(Kind.NETWORK, "unexpected failure: " + e, false));
        }
    }

    /** The outcome of a job whose file is no longer there to send. */
    static DeliveryOutcome fileGone(ForwardJob job) {
        return new Gone("file " + job.fileId() + " no longer exists (deleted or replaced by its owner, expired or "
                + "shredded) and is never sent");
    }

    private PreparedJob open(ForwardJob job) {
        Lookup found = database.read(jdbc -> {
            Optional<JobLookup.Row> row = lookup.find(jdbc, job);
            if (row.isEmpty()) {
                return new Lookup(Optional.empty(), "", Optional.empty(), Optional.empty(), Optional.empty());
            }
            FileRecord file = row.get().file();
            Optional<SiteForwarding> site = row.get().site();
            Optional<TenantStatus> tenant = row.get().tenant();
            Optional<StoredFileAccess.CheckedSlot> slot = Optional.empty();
            // a file not to be sent (gone, its site unconfigured, its tenant no longer ACTIVE) touches no key
            if (file.state() == FileState.COMMITTED && site.isPresent()
                    && tenant.equals(Optional.of(TenantStatus.ACTIVE))) {
                if (site.get().recipient().isPresent()) {
                    if (envelopes.isPresent()) {
                        slot = Optional.of(envelopes.get().checkSlot(jdbc, row.get().slot()));
                    }
                } else if (opener instanceof DecryptingFileOpener decrypting) {
                    slot = Optional.of(decrypting.checkSlot(jdbc, row.get().slot()));
                }
            }
            return new Lookup(Optional.of(file), row.get().username().orElse(file.accountId()), site, tenant, slot);
        });
        Optional<FileRecord> file = found.file();
        if (file.isEmpty()) {
            return PreparedJob.failed(job, fileGone(job));
        }
        Optional<DeliveryOutcome> refused = TenantGate.refusal(job, found.tenant());
        if (refused.isPresent()) {
            return PreparedJob.failed(job, refused.get());
        }
        if (file.get().state() != FileState.COMMITTED) {
            return PreparedJob.failed(job, fileGone(job));
        }
        Optional<SiteForwarding> site = found.site();
        if (site.isEmpty()) {
            return PreparedJob.failed(job, new Failed(Kind.CONFIGURATION, "site " + job.siteId() + " has no forwarding "
                    + "configuration (or was removed); configure it with its endpoint, trust anchors and client "
                    + "certificate", false));
        }
        SiteConnections client;
        try {
            client = clients.client(site.get());
        } catch (IOException | GeneralSecurityException e) {
            return PreparedJob.failed(job, new Failed(Kind.CONFIGURATION, "site " + job.siteId() + ": cannot load the "
                    + "client key " + site.get().clientKeyFile() + " or build its TLS context: " + e.getMessage(),
                    false));
        }
        if (site.get().recipient().isPresent()) {
            return openSealed(job, client, site.get(), file.get(), found.account(), found.slot());
        }
        FileContent content;
        try {
            content = found.slot().isPresent() && opener instanceof DecryptingFileOpener decrypting
                    ? decrypting.open(file.get(), found.slot().get()) : opener.open(file.get());
        } catch (GatewayException e) {
            return PreparedJob.failed(job, unreadable(job, "read", e));
        }
        return ready(job, client, site.get(), file.get(), content,
                () -> delivery.request(site.get(), file.get(), found.account(), content));
    }

    /** The stored envelope as it is, its data key sealed to the site: nothing is decrypted here. */
    private PreparedJob openSealed(ForwardJob job, SiteConnections client, SiteForwarding site, FileRecord file,
                                   String account, Optional<StoredFileAccess.CheckedSlot> slot) {
        if (envelopes.isEmpty()) {
            return PreparedJob.failed(job, new Failed(Kind.CONFIGURATION, "site " + job.siteId() + " takes sealed "
                    + "envelopes, but this forwarder cannot read stored envelopes", false));
        }
        SealedPayload payload;
        try {
            // the lookup checked the slot: the file is COMMITTED (else it went as gone), its tenant ACTIVE (else
            // refused by the TenantGate), its site takes sealed envelopes and this forwarder reads them (else refused
            // above), so the slot is there (review26b L6: the fallback that read and checked it again could never run)
            payload = envelopes.get().open(file, site.siteId(), site.recipient().orElseThrow(), slot.orElseThrow());
        } catch (GatewayException e) {
            return PreparedJob.failed(job, unreadable(job, "sealed", e));
        }
        return ready(job, client, site, file, payload, () -> delivery.sealedRequest(site, file, account, payload));
    }

    /**
     * A job ready to send with the request built from {@code opened}; if building it fails unexpectedly, {@code
     * opened} (a file handle, a data key) is closed before the failure goes on to {@link #prepare}.
     */
    private static PreparedJob ready(ForwardJob job, SiteConnections client, SiteForwarding site, FileRecord file,
                                     AutoCloseable opened, Supplier<SiteDelivery.Request> request) {
        try {
            return PreparedJob.ready(job, client, site, file, opened, request.get());
        } catch (RuntimeException e) {
            try {
                opened.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * A committed file whose stored copy or key could not be used ({@code StoredFileAccess}). Final only when its key
     * was destroyed because its tenant was crypto-shredded (offboarded): the catalog marks the tenant SHREDDED before
     * the shred destroys its keys, so a {@link CryptoException.KeyDestroyed} is final only if the catalog's tenant is
     * SHREDDED (read only on this path), and the file can never be read again; as a planned offboarding, not a fault,
     * the job then settles quietly as one whose tenant's shred is found at its lookup ({@link Gone}, ABANDONED; see
     * {@link TenantGate}). A key destroyed otherwise (this node's
     * key store destroyed the tenant's keys without the catalog's shred, a data key or master secret destroyed in
     * memory by a close) is a fault of this node, as is anything else (the object store or a PKCS#11 token failing for
     * a moment, a KEK version disabled, not yet on this node or forked from the catalog's, a missing key slot): all are
     * retried with backoff like a network failure, perhaps on another node, and the job goes DEAD only after its last
     * attempt; a file that is gone by then settles as such when the job is next prepared.
     */
    private DeliveryOutcome unreadable(ForwardJob job, String what, GatewayException e) {
        boolean destroyed = false;
        for (Throwable cause = e; cause != null && !destroyed; cause = cause.getCause()) {
            destroyed = cause instanceof CryptoException.KeyDestroyed;
        }
        boolean shredded = destroyed && database.read(jdbc -> tenants.find(jdbc, job.tenant()))
                .map(tenant -> tenant.status() == TenantStatus.SHREDDED).orElse(false);
        if (shredded) {
            return new Gone("file " + job.fileId() + " is never sent: it cannot be " + what + ", its key was destroyed "
                    + "(tenant " + job.tenant() + " shredded): " + e.getMessage());
        }
        String why = destroyed ? " now: its key is destroyed on this node, but the tenant is not shredded (this node's "
                + "key store out of step with the catalog, or a key destroyed in memory); retried" : " now";
        return new Failed(Kind.FILE, "file " + job.fileId() + " cannot be " + what + why + ": " + e.getMessage()
                + (e.getCause() == null ? "" : " (" + e.getCause() + ")"), false);
    }
}
