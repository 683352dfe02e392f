package io.vaultgate.core.forward;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileOpener;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.forward.DeliveryOutcome.Delivered;
import io.vaultgate.core.forward.DeliveryOutcome.Failed;
import io.vaultgate.core.forward.DeliveryOutcome.Gone;
import io.vaultgate.core.forward.DeliveryOutcome.Kind;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantStatus;
import io.vaultgate.crypto.CryptoException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed job: look up the file and the site and open the file ({@link #prepare}), deliver, and record
 * the outcome in the outbox ({@link #run(Prepared, Runnable)}).
 */
final class ForwardAttempt {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardAttempt.class);

    private final Database database;
    private final FileRepository files;
    private final AccountRepository accounts = new AccountRepository();
    private final TenantRepository tenants = new TenantRepository();
    private final FileOpener opener;
    private final Optional<StoredEnvelopes> envelopes;
    private final ForwardingSites sites;
    private final SiteClients clients;
    private final SiteDelivery delivery;
    private final Outbox outbox;
    private final ForwardMetrics metrics;
    private final ForwardEvents events;
    private final Clock clock;

    ForwardAttempt(Database database, FileRepository files, FileOpener opener, Optional<StoredEnvelopes> envelopes,
                   ForwardingSites sites,
                   SiteClients clients, SiteDelivery delivery, Outbox outbox, ForwardMetrics metrics,
                   ForwardEvents events, Clock clock) {
        this.database = database;
        this.files = files;
        this.opener = opener;
        this.envelopes = envelopes;
        this.sites = sites;
        this.clients = clients;
        this.delivery = delivery;
        this.outbox = outbox;
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
    }

    /**
     * The job's file, the login name of the account that uploaded it (its id if no account has it) and the site,
     * read in one transaction.
     */
    private record Lookup(Optional<FileRecord> file, String account, Optional<SiteForwarding> site) {
    }

    /**
     * A claimed job made ready to send: its file and site looked up, the file opened and its first chunks
     * being read ahead; or the failure that ended the attempt already. Closing it releases what it opened.
     */
    static final class Prepared implements AutoCloseable {
        private final ForwardJob job;
        private final DeliveryOutcome failed;
        private final SiteConnections client;
        private final SiteForwarding site;
        private final FileRecord file;
        private final AutoCloseable opened;
        private final SiteDelivery.Request request;

        private Prepared(ForwardJob job, DeliveryOutcome failed, SiteConnections client, SiteForwarding site,
                         FileRecord file, AutoCloseable opened, SiteDelivery.Request request) {
            this.job = job;
            this.failed = failed;
            this.client = client;
            this.site = site;
            this.file = file;
            this.opened = opened;
            this.request = request;
        }

        static Prepared failed(ForwardJob job, DeliveryOutcome failed) {
            return new Prepared(job, failed, null, null, null, null, null);
        }

        ForwardJob job() {
            return job;
        }

        /** The size of the request body; 0 when the attempt failed already. */
        long size() {
            return request == null ? 0 : request.body().size();
        }

        /** Stops the read-ahead and closes the file; false if closing the file failed. */
        boolean release() {
            if (request != null) {
                request.close();
            }
            if (opened != null) {
                try {
                    opened.close();
                } catch (Exception e) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            release();
        }
    }

    /** Runs one claimed job now: prepare, deliver, record the outcome. */
    DeliveryOutcome run(ForwardJob job) {
        return run(prepare(job), () -> { });
    }

    /**
     * Looks up the job's file and site and opens the file, so that its first chunks are read (decrypted) from
     * now on; nothing is sent and nothing recorded yet. Never throws: a failure is kept for {@link #run}.
     */
    Prepared prepare(ForwardJob job) {
        try {
            return open(job);
        } catch (RuntimeException e) {
            LOG.error("forward {} of file {} to site {} failed unexpectedly", job.id(), job.fileId(), job.siteId(), e);
            return Prepared.failed(job, new Failed(Kind.NETWORK, "unexpected failure: " + e, false));
        }
    }

    /**
     * Delivers a prepared job and records its outcome in the outbox before returning. {@code whileAwaiting}
     * runs between the end of the request and the site's answer, at most once; it must not throw.
     */
    DeliveryOutcome run(Prepared prepared, Runnable whileAwaiting) {
        DeliveryOutcome outcome = send(prepared, whileAwaiting);
        record(prepared.job(), outcome);
        return outcome;
    }

    /**
     * Delivers a prepared job and closes what it opened, without recording the outcome: the caller
     * {@linkplain #record records} it, at once or (a delivery) while the next file is sent.
     */
    DeliveryOutcome send(Prepared prepared, Runnable whileAwaiting) {
        ForwardJob job = prepared.job();
        DeliveryOutcome outcome;
        try {
            outcome = deliver(prepared, whileAwaiting);
        } catch (RuntimeException e) {
            outcome = new Failed(Kind.NETWORK, "unexpected failure: " + e, false);
            LOG.error("forward {} of file {} to site {} failed unexpectedly", job.id(), job.fileId(), job.siteId(), e);
        } finally {
            if (!prepared.release() && prepared.failed == null) {
                LOG.warn("forward {}: closing file {} failed", job.id(), job.fileId());
            }
        }
        return outcome;
    }

    private DeliveryOutcome deliver(Prepared prepared, Runnable whileAwaiting) {
        if (prepared.failed != null) {
            return prepared.failed;
        }
        return delivery.send(prepared.client, prepared.site, prepared.file, prepared.request, whileAwaiting);
    }

    /** A job prepared ahead as it is right before it is sent: its row, its tenant's status, its file's state. */
    private record Recheck(Optional<ForwardJob> job, Optional<TenantStatus> tenant, Optional<FileState> file) {
    }

    /**
     * Whether a job prepared ahead (while the previous file was sent) may still be sent, checked in one catalog
     * read right before its request starts: the job still leased to this attempt ({@code IN_FLIGHT}, same
     * version and owner), its tenant {@code ACTIVE}, its file {@code COMMITTED}. If not, nothing is sent and what
     * the job opened is closed (its read-ahead stopped, its file and data key released). A job that changed
     * meanwhile (taken over, abandoned with its site, or forgotten with its shredded tenant) is left as it is. A
     * job whose tenant was locked down is given back pending, its claim not counted as an attempt, so that it is
     * sent once the tenant is unlocked (a claim does not take a locked tenant's jobs). A job whose file is gone
     * settles as one that finds its file gone when it is prepared. If the catalog cannot be read the job is given
     * back too (or, failing that, is due again after its lease).
     */
    boolean stillToSend(Prepared prepared) {
        ForwardJob job = prepared.job();
        Recheck now;
        try {
            now = database.read(jdbc -> new Recheck(Outbox.find(jdbc, job.id()),
                    tenants.find(jdbc, job.tenant()).map(Tenant::status),
                    files.find(jdbc, job.fileId()).map(FileRecord::state)));
        } catch (RuntimeException e) {
            prepared.close();
            LOG.warn("forward job {}: checking it before sending failed ({}); giving it back unsent", job.id(),
                    e.toString());
            giveBack(job);
            return false;
        }
        Optional<ForwardJob> row = now.job();
        if (row.isEmpty() || row.get().state() != ForwardState.IN_FLIGHT || row.get().version() != job.version()
                || !row.get().leaseOwner().equals(job.leaseOwner())) {
            prepared.close();
            LOG.info("forward job {} (file {} to site {}) was not sent: it changed while it waited to be sent ({})",
                    job.id(), job.fileId(), job.siteId(), row.map(changed -> "now " + changed.state()
                            + changed.leaseOwner().map(owner -> ", leased to " + owner).orElse(""))
                            .orElse("forgotten, with its tenant's shred"));
            return false;
        }
        if (now.tenant().orElse(TenantStatus.SHREDDED) != TenantStatus.ACTIVE) {
            prepared.close();
            LOG.info("forward job {} (file {} to site {}) was not sent: tenant {} is {} now; it is pending again, "
                    + "its claim not counted as an attempt", job.id(), job.fileId(), job.siteId(), job.tenant(),
                    now.tenant().map(Enum::name).orElse("gone"));
            giveBack(job);
            return false;
        }
        if (now.file().orElse(null) != FileState.COMMITTED) {
            prepared.close();
            record(job, fileGone(job));
            return false;
        }
        return true;
    }

    private void giveBack(ForwardJob job) {
        try {
            if (!outbox.release(job, clock.instant())) {
                LOG.info("forward job {}: not given back, it changed meanwhile", job.id());
            }
        } catch (RuntimeException e) {
            LOG.warn("forward job {}: giving it back failed ({}); it is due again when its lease expires", job.id(),
                    e.toString());
        }
    }

    private static DeliveryOutcome fileGone(ForwardJob job) {
        return new Gone("file " + job.fileId() + " no longer exists (deleted or replaced by its owner, expired or "
                + "shredded) and is never sent");
    }

    private Prepared open(ForwardJob job) {
        Lookup found = database.read(jdbc -> {
            Optional<FileRecord> file = files.find(jdbc, job.fileId());
            String account = file.isEmpty() ? "" : accounts.findById(jdbc, file.get().accountId())
                    .map(Account::username).orElse(file.get().accountId());
            return new Lookup(file, account, sites.find(jdbc, job.siteId()));
        });
        Optional<FileRecord> file = found.file();
        if (file.isEmpty() || file.get().state() != FileState.COMMITTED) {
            return Prepared.failed(job, fileGone(job));
        }
        Optional<SiteForwarding> site = found.site();
        if (site.isEmpty()) {
            return Prepared.failed(job, new Failed(Kind.CONFIGURATION, "site " + job.siteId() + " has no forwarding "
                    + "configuration (or was removed); configure it with its endpoint, trust anchors and client "
                    + "certificate", false));
        }
        SiteConnections client;
        try {
            client = clients.client(site.get());
        } catch (IOException | GeneralSecurityException e) {
            return Prepared.failed(job, new Failed(Kind.CONFIGURATION, "site " + job.siteId() + ": cannot load the "
                    + "client key " + site.get().clientKeyFile() + " or build its TLS context: " + e.getMessage(),
                    false));
        }
        if (site.get().recipient().isPresent()) {
            return openSealed(job, client, site.get(), file.get(), found.account());
        }
        FileContent content;
        try {
            content = opener.open(file.get());
        } catch (GatewayException e) {
            return Prepared.failed(job, unreadable(job, "read", e));
        }
        return new Prepared(job, null, client, site.get(), file.get(), content,
                delivery.request(site.get(), file.get(), found.account(), content));
    }

    /** The stored envelope as it is, its data key sealed to the site: nothing is decrypted here. */
    private Prepared openSealed(ForwardJob job, SiteConnections client, SiteForwarding site, FileRecord file,
                                String account) {
        if (envelopes.isEmpty()) {
            return Prepared.failed(job, new Failed(Kind.CONFIGURATION, "site " + job.siteId() + " takes sealed "
                    + "envelopes, but this forwarder cannot read stored envelopes", false));
        }
        SealedPayload payload;
        try {
            payload = envelopes.get().open(file, site.siteId(), site.recipient().orElseThrow());
        } catch (GatewayException e) {
            return Prepared.failed(job, unreadable(job, "sealed", e));
        }
        return new Prepared(job, null, client, site, file, payload, delivery.sealedRequest(site, file, account,
                payload));
    }

    /**
     * A committed file whose stored copy or key could not be used ({@code StoredFileAccess}). Final only when its key
     * was destroyed (its tenant crypto-shredded): it can never be read again. Anything else (the object store or a
     * PKCS#11 token failing for a moment, a KEK version disabled or not yet on this node, a missing key slot) is
     * retried with backoff like a network failure, and the job goes DEAD only after its last attempt; a file that
     * is gone by then settles as such when the job is next prepared.
     */
    private static Failed unreadable(ForwardJob job, String what, GatewayException e) {
        boolean destroyed = false;
        for (Throwable cause = e; cause != null && !destroyed; cause = cause.getCause()) {
            destroyed = cause instanceof CryptoException.KeyDestroyed;
        }
        return new Failed(Kind.FILE, "file " + job.fileId() + " cannot be " + what + (destroyed ? ": its key was "
                + "destroyed (tenant shredded)" : " now") + ": " + e.getMessage()
                + (e.getCause() == null ? "" : " (" + e.getCause() + ")"), destroyed);
    }

    /**
     * Accounts for a job that went dead without a failed attempt of its own: the lease of its last attempt
     * expired, or its node restarted during it ({@link Outbox.DeadLetters}).
     */
    void wentDead(ForwardJob job, String error) {
        deadLetter(job, error, "");
    }

    /** The counter, the event sink (audit) and the ERROR line naming the retry command, for every dead job. */
    private void deadLetter(ForwardJob job, String error, String kind) {
        metrics.dead(job.siteId());
        report(() -> events.dead(job, error));
        LOG.error("forward job {} (file {} to site {}) is DEAD after {} attempt(s): {}{}; "
                + "`vaultgate forward retry {}` replays it", job.id(), job.fileId(), job.siteId(), job.attempts(),
                error, kind, job.id());
    }

    private static void report(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOG.error("forwarding: reporting an outcome failed", e);
        }
    }

    /**
     * Records an outcome in the outbox. A delivery and its event (the audit record) are committed in one
     * transaction when the event sink takes part in it, which is then synced to stable storage (as the audit
     * log's own appends are); otherwise the sink is told after the commit.
     */
    void record(ForwardJob job, DeliveryOutcome outcome) {
        if (outcome instanceof Delivered delivered) {
            boolean inTransaction = events.inTransaction();
            if (outbox.complete(job, delivered.siteDigest(), clock.instant(), inTransaction, jdbc -> {
                if (inTransaction) {
                    events.delivered(jdbc, job, delivered);
                }
            })) {
                metrics.delivered(job.siteId());
                if (!inTransaction) {
                    report(() -> events.delivered(job, delivered));
                }
                LOG.info("forwarded file {} of tenant {} to site {} (job {}, attempt {})", job.fileId(), job.tenant(),
                        job.siteId(), job.id(), job.attempts());
            } else {
                LOG.warn("forward job {} was delivered but its lease had been taken over (the site deduplicates), or "
                        + "it was abandoned with its site's removal or forgotten with its tenant's shred (the site got "
                        + "the file nevertheless)", job.id());
            }
            return;
        }
        if (outcome instanceof Gone gone) {
            if (outbox.abandonGone(job, gone.reason(), clock.instant())) {
                LOG.info("forward job {} (file {} to site {}) is ABANDONED: {}", job.id(), job.fileId(), job.siteId(),
                        gone.reason());
            } else {
                LOG.info("forward job {} found its file gone after its lease had been taken over or it was "
                        + "abandoned: {}", job.id(), gone.reason());
            }
            return;
        }
        Failed failed = (Failed) outcome;
        metrics.failed(job.siteId(), failed.kind());
        Optional<ForwardState> next = outbox.fail(job, failed.message(), failed.permanent(), clock.instant());
        if (next.isEmpty()) {
            LOG.warn("forward job {} failed after its lease had been taken over or it was abandoned: {}", job.id(),
                    failed.message());
        } else if (next.get() == ForwardState.DEAD) {
            deadLetter(job, failed.message(), " [" + failed.kind() + "]");
        } else {
            LOG.warn("forward job {} (file {} to site {}) attempt {} failed [{}]: {}; will retry", job.id(),
                    job.fileId(), job.siteId(), job.attempts(), failed.kind(), failed.message());
        }
    }
}
