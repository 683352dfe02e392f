package io.vaultgate.core.metrics;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.TenantId;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;

/**
 * Readiness of the core's own resources. The catalog is up when a query on a real table answers (an empty
 * database that a new connection would create fails, where {@code SELECT 1} would not). Pooled connections
 * keep working on a SQLite file deleted under them, so the composition root adds a check of the file itself.
 * The store is up when a one-byte probe object can be written, synced and deleted; the probe lives under the
 * reserved tenant {@value #PROBE_TENANT}, which holds nothing else.
 */
public final class CoreHealth {

    public static final String PROBE_TENANT = "vaultgate-health-probe";

    private final Database database;
    private final ObjectStore store;
    private final SecureRandom random;

    public CoreHealth(Database database, ObjectStore store, SecureRandom random) {
        this.database = database;
        this.store = store;
        this.random = random;
    }

    /** Both checks, catalog first. */
    public List<CheckResult> check() {
        return List.of(catalog(), store());
    }

    public CheckResult catalog() {
        try {
            database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM tenants"));
            return CheckResult.up("catalog");
        } catch (RuntimeException e) {
            return CheckResult.down("catalog", "the catalog does not answer: " + e.getMessage());
        }
    }

    public CheckResult store() {
        TenantId tenant = TenantId.of(PROBE_TENANT);
        ObjectId id = ObjectId.random(random);
        try {
            try (PendingObject probe = store.create(tenant, id)) {
                probe.channel().write(ByteBuffer.wrap(new byte[] {1}));
                probe.sync();
            } finally {
                store.delete(tenant, id);
            }
            return CheckResult.up("store");
        } catch (Exception e) {
            return CheckResult.down("store", "the object store is not writable: " + e.getMessage());
        }
    }
}
