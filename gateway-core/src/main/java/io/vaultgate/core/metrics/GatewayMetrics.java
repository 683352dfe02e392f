package io.vaultgate.core.metrics;

import io.vaultgate.core.metrics.MeterSpec.Type;
import java.util.List;

/**
 * Every meter the core registers, in one place: name, type, description, unit and labels. Names follow the
 * Prometheus conventions once exported ({@code vaultgate_transfers_total}); {@code docs/operations.md}
 * documents each of them, and a test keeps the two in step. Label values are bounded: protocols, directions
 * and outcomes are closed sets, and tenants pass through {@link TenantLabels}.
 */
public final class GatewayMetrics {

    public static final String PROTOCOL = "protocol";
    public static final String DIRECTION = "direction";
    public static final String OUTCOME = "outcome";
    public static final String TENANT = "tenant";
    public static final String METHOD = "method";
    public static final String REASON = "reason";
    public static final String STATE = "state";
    public static final String BOUND = "bound";

    public static final MeterSpec TRANSFERS = new MeterSpec("vaultgate.transfers", Type.COUNTER,
            "Transfers that ended, by how they ended (uploads: committed, suspended, aborted, failed; downloads: "
                    + "completed, incomplete, failed)", "",
            List.of(PROTOCOL, DIRECTION, OUTCOME, TENANT));
    public static final MeterSpec TRANSFERS_STARTED = new MeterSpec("vaultgate.transfers.started", Type.COUNTER,
            "Transfers started (uploads opened, resumes included; files opened for download)", "", List.of(PROTOCOL, DIRECTION, TENANT));
    public static final MeterSpec TRANSFER_BYTES = new MeterSpec("vaultgate.transfer.bytes", Type.COUNTER,
            "Plaintext bytes received from clients (in) or sent to them (out), counted as they flow", "bytes",
            List.of(PROTOCOL, DIRECTION, TENANT));
    public static final MeterSpec TRANSFER_DURATION = new MeterSpec("vaultgate.transfer.duration", Type.HISTOGRAM,
            "Time from opening a transfer to its end", "seconds", List.of(PROTOCOL, DIRECTION, OUTCOME));
    public static final MeterSpec TRANSFER_SIZE = new MeterSpec("vaultgate.transfer.size", Type.HISTOGRAM,
            "Plaintext size of committed uploads and completed downloads", "bytes", List.of(PROTOCOL, DIRECTION));
    public static final MeterSpec UPLOADS_ACTIVE = new MeterSpec("vaultgate.uploads.active", Type.GAUGE,
            "Uploads in progress now", "", List.of());
    public static final MeterSpec UPLOADS_REORDER_REFUSED = new MeterSpec("vaultgate.uploads.reorder.refused",
            Type.COUNTER, "Writes that arrived ahead of a gap and were refused because the memory for such writes was "
                    + "in use: the tenant's share of it (bound tenant) or all of it (bound process)", "",
            List.of(PROTOCOL, BOUND, TENANT));
    public static final MeterSpec AUTH_SUCCESSES = new MeterSpec("vaultgate.auth.successes", Type.COUNTER,
            "Successful logins, by protocol and method (publickey, password, token, certificate)", "",
            List.of(PROTOCOL, METHOD));
    public static final MeterSpec AUTH_FAILURES = new MeterSpec("vaultgate.auth.failures", Type.COUNTER,
            "Failed logins, by protocol and reason (unknown_user, bad_credential, source_not_allowed, ...)", "",
            List.of(PROTOCOL, REASON));
    public static final MeterSpec TENANT_STORED = new MeterSpec("vaultgate.tenant.stored", Type.GAUGE,
            "Plaintext bytes stored for the tenant (committed files and partials), as its quota counts them",
            "bytes", List.of(TENANT));
    public static final MeterSpec TENANT_FILES = new MeterSpec("vaultgate.tenant.files", Type.GAUGE,
            "Files stored for the tenant (committed files and partials), as its quota counts them", "",
            List.of(TENANT));
    public static final MeterSpec TENANT_QUOTA_USAGE = new MeterSpec("vaultgate.tenant.quota.usage", Type.GAUGE,
            "Fraction of the tenant's quota in use, the fuller of bytes and files (0 when unlimited)", "ratio",
            List.of(TENANT));
    public static final MeterSpec BATCHES = new MeterSpec("vaultgate.batches", Type.GAUGE,
            "Batches by tenant and state (open, ready, claimed, completed, abandoned, emptied)", "", List.of(TENANT, STATE));
    public static final MeterSpec FORWARD_QUEUE = new MeterSpec("vaultgate.forward.queue", Type.GAUGE,
            "Forwarding outbox jobs per site and state (pending, in_flight, dead)", "", List.of("site", STATE));
    public static final MeterSpec FORWARD_OLDEST = new MeterSpec("vaultgate.forward.oldest", Type.GAUGE,
            "Age of the oldest job per site not yet delivered (pending or in flight)", "seconds", List.of("site"));
    public static final MeterSpec TENANT_KEY_AGE = new MeterSpec("vaultgate.tenant.key.age", Type.GAUGE,
            "Time since the tenant's active key-encryption key version was made (last rotation or tenant creation)",
            "seconds", List.of(TENANT));
    /** The node's clock against the catalog's ({@link io.vaultgate.core.node.CatalogClock}), as last measured. */
    public static final MeterSpec CLOCK_OFFSET = new MeterSpec("vaultgate.clock.offset", Type.GAUGE,
            "The catalog's clock minus this node's at the last measurement (the join and every heartbeat): positive "
                    + "when the node's clock is behind", "seconds", List.of());
    public static final MeterSpec CLOCK_CORRECTED = new MeterSpec("vaultgate.clock.corrected", Type.GAUGE,
            "1 while the node runs on the catalog's time because its own clock is off by more than 0.5 s, else 0", "",
            List.of());
    /** Registered by the server, which knows where the store lives. */
    public static final MeterSpec STORAGE_USABLE = new MeterSpec("vaultgate.storage.usable", Type.GAUGE,
            "Bytes still usable on the file system that holds the object store", "bytes", List.of());
    /** Registered by the server, which knows where the store lives. */
    public static final MeterSpec STORAGE_TOTAL = new MeterSpec("vaultgate.storage.total", Type.GAUGE,
            "Size of the file system that holds the object store", "bytes", List.of());
    /** Registered by the server for the certificates it serves, and by the core for each site's TLS material. */
    public static final MeterSpec CERTIFICATE_EXPIRY = new MeterSpec("vaultgate.certificate.expiry", Type.GAUGE,
            "Seconds until the certificate expires (negative once expired)", "seconds", List.of("certificate"));
    /** The accounts' client certificates by expiry ({@link ClientCertificateGauges}). */
    public static final MeterSpec CLIENT_CERTIFICATES = new MeterSpec("vaultgate.client.certificates", Type.GAUGE,
            "Registered client certificates of accounts by expiry: expired, within_30d, later, unknown (registered "
                    + "before the gateway recorded it)", "", List.of("expiry"));
    /** Registered by the server: the readiness checks, evaluated at scrape time. */
    public static final MeterSpec READY = new MeterSpec("vaultgate.ready", Type.GAUGE,
            "1 when the readiness check passes, else 0", "", List.of("check"));

    private static final List<MeterSpec> ALL = List.of(TRANSFERS, TRANSFERS_STARTED, TRANSFER_BYTES,
            TRANSFER_DURATION, TRANSFER_SIZE, UPLOADS_ACTIVE, UPLOADS_REORDER_REFUSED, AUTH_SUCCESSES, AUTH_FAILURES, TENANT_STORED,
            TENANT_FILES, TENANT_QUOTA_USAGE, BATCHES, FORWARD_QUEUE, FORWARD_OLDEST, TENANT_KEY_AGE, CLOCK_OFFSET,
            CLOCK_CORRECTED, STORAGE_USABLE, STORAGE_TOTAL, CERTIFICATE_EXPIRY, CLIENT_CERTIFICATES, READY);

    private GatewayMetrics() {
    }

    /** Every meter of the core, for documentation checks and the status page. */
    public static List<MeterSpec> all() {
        return ALL;
    }
}
