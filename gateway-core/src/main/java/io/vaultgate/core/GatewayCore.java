package io.vaultgate.core;

import io.vaultgate.core.admin.AccountExpiry;
import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.admin.IncidentResponse;
import io.vaultgate.core.admin.Offboarding;
import io.vaultgate.core.admin.SiteRemoval;
import io.vaultgate.core.admin.Lockdown;
import io.vaultgate.core.admin.Revocation;
import io.vaultgate.core.admin.KeyRotation;
import io.vaultgate.core.admin.SiteAdministration;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.AuditingAuthenticator;
import io.vaultgate.core.audit.CatalogAuditLog;
import io.vaultgate.core.audit.CheckpointPolicy;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.DefendingAuthenticator;
import io.vaultgate.core.auth.GatewayAccessControl;
import io.vaultgate.core.auth.CatalogAuthenticator;
import io.vaultgate.core.auth.PasswordHasher;
import io.vaultgate.core.batch.BatchService;
import io.vaultgate.core.batch.Router;
import io.vaultgate.core.catalog.AccountRepository;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.DirectoryRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.defender.Defender;
import io.vaultgate.core.defender.LoginLockouts;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.node.CatalogClock;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.node.Nodes;
import io.vaultgate.core.session.LiveSessions;
import io.vaultgate.core.session.SessionReaper;
import io.vaultgate.core.files.CatalogFileService;
import io.vaultgate.core.files.DecryptingFileOpener;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.forward.Forwarding;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.forward.RetryPolicy;
import io.vaultgate.core.files.FileShredder;
import io.vaultgate.core.files.Retention;
import io.vaultgate.core.files.StoredFileAccess;
import io.vaultgate.core.ingest.EncryptingIngestService;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.core.ingest.Recovery;
import io.vaultgate.core.ingest.UploadGate;
import io.vaultgate.core.ingest.UploadLedger;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.kek.KekRefusals;
import io.vaultgate.core.kek.KekStartupCheck;
import io.vaultgate.core.metrics.CoreHealth;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.policy.Policies;
import io.vaultgate.core.receipt.CatalogReceipts;
import io.vaultgate.core.receipt.ReceiptSigner;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.stream.ReorderMemory;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The protocol-agnostic core, assembled from the three resources the composition root chooses: a
 * catalog database, an object store and a key provider. Front-ends use only the services exposed here.
 */
public final class GatewayCore implements AutoCloseable {

    /**
     * Tunables of the core, validated by the configuration layer.
     *
     * @param reorderMemoryBytes what all uploads together may hold of writes that arrived ahead of a gap
     *                           ({@link ReorderMemory}); {@link #DEFAULT_REORDER_MEMORY} unless set
     * @param reorderMemoryPerTenantBytes what the uploads of one tenant may hold of it, at most all of it; a
     *                           quarter of it unless set, so that one tenant cannot fail the others' uploads
     */
    public record Settings(Duration partialExpiry, int reorderWindowSegments, Duration batchLease,
                           CheckpointPolicy auditCheckpoints, AccessPolicy access, NodeSettings node,
                           long reorderMemoryBytes, long reorderMemoryPerTenantBytes) {

        /** 64 MiB: sixteen uploads' default reorder windows full at once. */
        public static final long DEFAULT_REORDER_MEMORY = 64L << 20;

        public Settings(Duration partialExpiry, int reorderWindowSegments) {
            this(partialExpiry, reorderWindowSegments, Duration.ofHours(1));
        }

        public Settings(Duration partialExpiry, int reorderWindowSegments, Duration batchLease) {
            this(partialExpiry, reorderWindowSegments, batchLease, CheckpointPolicy.defaults());
        }

        public Settings(Duration partialExpiry, int reorderWindowSegments, Duration batchLease,
                        CheckpointPolicy auditCheckpoints) {
            this(partialExpiry, reorderWindowSegments, batchLease, auditCheckpoints, AccessPolicy.defaults());
        }

        public Settings(Duration partialExpiry, int reorderWindowSegments, Duration batchLease,
                        CheckpointPolicy auditCheckpoints, AccessPolicy access) {
            this(partialExpiry, reorderWindowSegments, batchLease, auditCheckpoints, access, NodeSettings.ofProcess());
        }

        public Settings(Duration partialExpiry, int reorderWindowSegments, Duration batchLease,
                        CheckpointPolicy auditCheckpoints, AccessPolicy access, NodeSettings node) {
            this(partialExpiry, reorderWindowSegments, batchLease, auditCheckpoints, access, node,
                    DEFAULT_REORDER_MEMORY, DEFAULT_REORDER_MEMORY / 4);
        }

        /** The same settings for node {@code node} of a cluster (by default a process of its own). */
        public Settings withNode(NodeSettings node) {
            return new Settings(partialExpiry, reorderWindowSegments, batchLease, auditCheckpoints, access, node,
                    reorderMemoryBytes, reorderMemoryPerTenantBytes);
        }

        /** The same settings with this defender, MFA, banner and session-check policy. */
        public Settings withAccess(AccessPolicy policy) {
            return new Settings(partialExpiry, reorderWindowSegments, batchLease, auditCheckpoints, policy, node,
                    reorderMemoryBytes, reorderMemoryPerTenantBytes);
        }

        /**
         * The same settings with {@code bytes} of reorder memory for all uploads together, and a quarter of it for
         * the uploads of one tenant ({@link #withReorderMemoryPerTenant} after this to set another share).
         */
        public Settings withReorderMemory(long bytes) {
            return new Settings(partialExpiry, reorderWindowSegments, batchLease, auditCheckpoints, access, node,
                    bytes, bytes / 4);
        }

        /** The same settings with {@code bytes} of the reorder memory for the uploads of one tenant together. */
        public Settings withReorderMemoryPerTenant(long bytes) {
            return new Settings(partialExpiry, reorderWindowSegments, batchLease, auditCheckpoints, access, node,
                    reorderMemoryBytes, bytes);
        }

        public Settings {
            if (partialExpiry.isNegative() || partialExpiry.isZero()) {
                throw new IllegalArgumentException("partial expiry must be positive");
            }
            if (reorderWindowSegments < 1) {
                throw new IllegalArgumentException("the reorder window must be at least one segment");
            }
            if (reorderMemoryBytes < 0) {
                throw new IllegalArgumentException("the reorder memory must be at least 0 bytes");
            }
            if (reorderMemoryPerTenantBytes < 0 || reorderMemoryPerTenantBytes > reorderMemoryBytes) {
                throw new IllegalArgumentException("a tenant's share of the reorder memory must be 0 to "
                        + reorderMemoryBytes + " bytes, was " + reorderMemoryPerTenantBytes);
            }
            if (batchLease.isNegative() || batchLease.isZero()) {
                throw new IllegalArgumentException("the batch lease must be positive");
            }
            java.util.Objects.requireNonNull(access, "access");
            java.util.Objects.requireNonNull(node, "node");
        }
    }

    /**
     * The actor the administrative services ({@link #administration()}, {@link #sites()}, {@link #keyRotation()},
     * {@link #policies()}) record until their {@code as(actor)} names who acts: the admin API names the
     * administrator ({@code admin:<name>}), the CLI the operating-system user ({@code cli:<user>}).
     */
    private static final String UNNAMED_ACTOR = "cli";

    private final Authenticator authenticator;
    private final FileService files;
    private final IngestService ingest;
    private final BatchService batches;
    private final Administration administration;
    private final SiteAdministration sites;
    private final Recovery recovery;
    private final Retention retention;
    private final UploadGate uploads;
    private final CatalogAuditLog audit;
    private final CatalogReceipts receipts;
    private final KeyRotation keyRotation;
    private final CoreMetrics metrics;
    private final CoreHealth health;
    private final Forwarding forwarding;
    private final IncidentResponse incidents;
    private final Nodes nodes;
    private final SessionReaper reaper;
    private final io.vaultgate.core.admin.TenantShredding shredding;
    private final io.vaultgate.core.admin.CatalogBackup catalogBackup;
    private final KekStartupCheck kekStartupCheck;

    private GatewayCore(Authenticator authenticator, FileService files, IngestService ingest, BatchService batches,
                        Administration administration, SiteAdministration sites, Recovery recovery,
                        Retention retention, UploadGate uploads, CatalogAuditLog audit, CatalogReceipts receipts,
                        KeyRotation keyRotation, CoreMetrics metrics, CoreHealth health, Forwarding forwarding,
                        IncidentResponse incidents, Nodes nodes, SessionReaper reaper,
                        io.vaultgate.core.admin.TenantShredding shredding,
                        io.vaultgate.core.admin.CatalogBackup catalogBackup, KekStartupCheck kekStartupCheck) {
        this.authenticator = authenticator;
        this.files = files;
        this.ingest = ingest;
        this.batches = batches;
        this.administration = administration;
        this.sites = sites;
        this.recovery = recovery;
        this.retention = retention;
        this.uploads = uploads;
        this.audit = audit;
        this.receipts = receipts;
        this.keyRotation = keyRotation;
        this.metrics = metrics;
        this.health = health;
        this.forwarding = forwarding;
        this.incidents = incidents;
        this.nodes = nodes;
        this.reaper = reaper;
        this.shredding = shredding;
        this.catalogBackup = catalogBackup;
        this.kekStartupCheck = kekStartupCheck;
    }

    /**
     * Builds the core. {@code auditKey} signs audit checkpoints and upload receipts; changes made through
     * {@link #administration()} and the other administrative services record {@code cli} until {@code as(actor)}
     * names who makes them.
     */
    public static GatewayCore assemble(Database database, ObjectStore store, KeyProvider keys,
                                       AuditSigningKey auditKey, Settings settings, SecureRandom random,
                                       Clock clock) {
        return assemble(database, store, keys, auditKey, settings, random, clock, CoreMetrics.inMemory(clock));
    }

    /**
     * Builds the core, reporting its meters to {@code metrics} (see {@link io.vaultgate.core.metrics.GatewayMetrics}).
     * Its time is {@code nodeClock} until the node joins the cluster ({@link Nodes#join()}), the catalog's time from
     * then on ({@link CatalogClock}): nodes sharing the catalog compare the times each other wrote (leases above all).
     */
    public static GatewayCore assemble(Database database, ObjectStore store, KeyProvider keys,
                                       AuditSigningKey auditKey, Settings settings, SecureRandom random,
                                       Clock nodeClock, CoreMetrics metrics) {
        CatalogClock clock = new CatalogClock(nodeClock);
        TenantRepository tenants = new TenantRepository();
        AccountRepository accounts = new AccountRepository();
        TokenRepository tokens = new TokenRepository();
        OperatorRepository operators = new OperatorRepository();
        FileRepository fileRows = new FileRepository();
        BatchRepository batches = new BatchRepository();
        RouteRepository routes = new RouteRepository();
        PasswordHasher hasher = new PasswordHasher(random);
        UploadGate gate = new UploadGate();
        metrics.watch(gate);
        metrics.watch(database, clock);
        CatalogAuditLog audit = new CatalogAuditLog(database, auditKey, settings.auditCheckpoints(), random, clock);
        CatalogReceipts receipts = new CatalogReceipts(database, new ReceiptSigner(auditKey));
        FileShredder shredder = new FileShredder(database, fileRows, store, audit);
        Outbox outbox = new Outbox(database, RetryPolicy.defaults(), random);
        // one per node: its refusals are logged once and all counted in the scraped registry, at the catalog's time
        KekCatalog kekCatalog = new KekCatalog(database, keys, new KekRefusals(metrics.registry()), clock, audit);
        StoredFileAccess storedFiles = new StoredFileAccess(database, fileRows, store, keys, kekCatalog);
        DecryptingFileOpener opener = new DecryptingFileOpener(storedFiles);
        UploadLedger ledger = new UploadLedger(database, fileRows, store, shredder,
                new Router(routes, batches, fileRows, outbox, random), audit, receipts, clock, metrics.transfers(),
                settings.node().id());
        AccessPolicy accessPolicy = settings.access();
        Defender defender = new Defender(database, audit, accessPolicy.defender(), clock, metrics.registry());
        LiveSessions liveSessions = new LiveSessions(clock);
        Mfa mfa = new Mfa(database, keys, audit, accessPolicy.mfa(), random, clock, kekCatalog);
        AccessControl access = new GatewayAccessControl(defender, liveSessions, mfa, accessPolicy.banner());
        Authenticator authenticator = new DefendingAuthenticator(new AuditingAuthenticator(
                new CatalogAuthenticator(database, tenants, accounts, operators, tokens, hasher, clock,
                        Optional.of(new LoginLockouts(database, audit, defender, clock)), Optional.of(mfa),
                        accessPolicy.adminSources()), audit,
                username -> database.read(jdbc -> accounts.findByUsername(jdbc, username)).map(Account::tenant), clock,
                metrics.auth()), access);
        SessionReaper reaper = new SessionReaper(database, audit, liveSessions, accessPolicy.sessionCheck()).start();
        Revocation revocation = new Revocation(database, audit, liveSessions, random, clock);
        Recovery recovery = new Recovery(database, tenants, fileRows, store, keys, shredder, audit,
                settings.partialExpiry(), settings.node(), clock);
        Offboarding offboarding = new Offboarding(database, operators, batches, revocation, mfa, audit, clock);
        SiteAdministration sites = new SiteAdministration(database, tenants, operators, routes, tokens, random, audit,
                UNNAMED_ACTOR, clock);
        return new GatewayCore(authenticator,
                metrics.transfers().metered(new CatalogFileService(database, fileRows, new DirectoryRepository(),
                        batches, shredder, opener, audit, clock)),
                new EncryptingIngestService(database, tenants, fileRows, batches, store, keys, ledger, gate,
                        settings.reorderWindowSegments(), new ReorderMemory(settings.reorderMemoryBytes(),
                                settings.reorderMemoryPerTenantBytes()), random,
                        clock, metrics.transfers(), settings.node().id(), kekCatalog),
                new BatchService(database, batches, routes, tenants, settings.batchLease(), audit, clock,
                        new Policies(database, tenants, operators, routes, audit, UNNAMED_ACTOR, clock)),
                new Administration(database, tenants, accounts, tokens, hasher, random, audit, UNNAMED_ACTOR, clock,
                        kekCatalog),
                sites,
                recovery,
                new Retention(database, tenants, fileRows, shredder, clock), gate, audit, receipts,
                new KeyRotation(database, tenants, fileRows, keys, audit, UNNAMED_ACTOR, clock, kekCatalog), metrics,
                new CoreHealth(database, store, random),
                new Forwarding(database, outbox, opener, java.util.Optional.of(
                        new io.vaultgate.core.forward.StoredEnvelopes(storedFiles, random)), audit,
                        random, clock),
                new IncidentResponse(defender, new LoginLockouts(database, audit, defender, clock),
                        new Lockdown(database, tenants, audit, liveSessions, clock), revocation,
                        new AccountExpiry(database, audit, clock),
                        new io.vaultgate.core.admin.DeniedSourceAdministration(database, audit, clock), mfa,
                        liveSessions,
                        offboarding, new SiteRemoval(database, offboarding, batches, routes, outbox, audit, clock),
                        new io.vaultgate.core.admin.Administrators(database, tokens, revocation, mfa, audit, random,
                                clock),
                        new io.vaultgate.core.admin.Monitors(database, tokens, revocation, audit, random, clock)),
                new Nodes(database, settings.node(), dead -> recovery.recoverUploadsOf(dead)
                        + outbox.releaseLeasesOf(dead, clock.instant()), clock), reaper,
                new io.vaultgate.core.admin.TenantShredding(database, tenants, fileRows, store, keys, auditKey, audit,
                        new Lockdown(database, tenants, audit, liveSessions, clock), sites, clock, kekCatalog),
                new io.vaultgate.core.admin.CatalogBackup(database, audit, clock),
                new KekStartupCheck(database, kekCatalog, clock));
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public FileService files() {
        return files;
    }

    public IngestService ingest() {
        return ingest;
    }

    public BatchService batches() {
        return batches;
    }

    /** Tenants' data-handling policies and operators' acknowledgements (enforced on claims and reads). */
    public Policies policies() {
        return batches.policies();
    }

    public Administration administration() {
        return administration;
    }

    public SiteAdministration sites() {
        return sites;
    }

    public Recovery recovery() {
        return recovery;
    }

    /** The nodes sharing the catalog; a serving node joins them before its recovery. */
    public Nodes nodes() {
        return nodes;
    }

    /**
     * Stops the core's own background work (the session reaper, a KEK start-up check still running). The catalog,
     * store and keys belong to whoever opened them and are closed by it, after this.
     */
    @Override
    public void close() {
        kekStartupCheck.close();
        reaper.close();
    }

    /**
     * The comparison of this node's keystore with the catalog's KEK record for every active tenant, which a serving
     * node starts in the background once it joined the cluster ({@link KekStartupCheck#startInBackground}); its
     * findings are counted, logged and on the status page.
     */
    public KekStartupCheck kekStartupCheck() {
        return kekStartupCheck;
    }

    /** The hash-chained audit log, for checkpoints and verification. */
    public CatalogAuditLog audit() {
        return audit;
    }

    /** Signed receipts of committed uploads. */
    public CatalogReceipts receipts() {
        return receipts;
    }

    /** The durable forwarding outbox and the factory of forwarders that drain it. */
    public Forwarding forwarding() {
        return forwarding;
    }

    /** KEK rotation and rewrapping of key slots. */
    public KeyRotation keyRotation() {
        return keyRotation;
    }

    public Retention retention() {
        return retention;
    }

    /** The core's meters and the transfers in progress. */
    public CoreMetrics metrics() {
        return metrics;
    }

    /** Readiness checks of the core's own resources: the catalog and the object store. */
    public CoreHealth health() {
        return health;
    }

    /** The defender, lockouts, lockdowns, revocations, account expiry, MFA and live sessions. */
    public IncidentResponse incidents() {
        return incidents;
    }

    /** Offboarding a tenant by crypto-shredding it (docs/security.md, "Offboarding a tenant"). */
    public io.vaultgate.core.admin.TenantShredding tenantShredding() {
        return shredding;
    }

    /** Uploads in flight, and the drain used by a graceful shutdown. */
    public UploadGate uploads() {
        return uploads;
    }

    /** Consistent copies of an embedded catalog, for {@code vaultgate backup}. */
    public io.vaultgate.core.admin.CatalogBackup catalogBackup() {
        return catalogBackup;
    }
}
