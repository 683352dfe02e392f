package io.vaultgate.core.files;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shreds committed files older than their tenant's retention: the catalog row and its key slot go first,
 * which makes the ciphertext unreadable for good, then the object is deleted. Tenants with a retention of
 * zero keep files until they are deleted.
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final Database database;
    private final TenantRepository tenants;
    private final FileRepository files;
    private final FileShredder shredder;
    private final Clock clock;

    public Retention(Database database, TenantRepository tenants, FileRepository files, FileShredder shredder,
                     Clock clock) {
        this.database = database;
        this.tenants = tenants;
        this.files = files;
        this.shredder = shredder;
        this.clock = clock;
    }

    /** Shreds every expired file; returns how many. */
    public int shredExpired() {
        int shredded = 0;
        for (Tenant tenant : database.read(tenants::list)) {
            if (tenant.retention().isZero()) {
                continue;
            }
            Instant now = clock.instant();
            for (FileRecord file : database.read(jdbc -> files.listByStates(jdbc, tenant.id(),
                    List.of(FileState.COMMITTED)))) {
                // ages compared, not a cut-off computed: now minus a retention of centuries overflows
                if (Duration.between(file.updatedAt(), now).compareTo(tenant.retention()) > 0) {
                    shred(file);
                    shredded++;
                }
            }
        }
        return shredded;
    }

    private void shred(FileRecord file) {
        shredder.shred(file, new AuditEvent.KeyOperation(clock.instant(), Optional.of(file.tenant()),
                AuditEvents.SYSTEM, AuditEvent.KeyAction.SHRED, file.id(), "retention"));
        LOG.info("retention: shredded file={} tenant={} path={}", file.id(), file.tenant(), file.path());
    }
}
