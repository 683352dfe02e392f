package io.vaultgate.core.files;

import io.vaultgate.core.LogText;
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
 * Shreds committed files older than their tenant's retention, counted from their commit (a rename does not
 * make a file younger): the catalog row and its key slot go first, which makes the ciphertext unreadable for
 * good, then the object is deleted. Tenants with a retention of zero keep files until they are deleted.
 */
public final class Retention {

    /** Files read from the catalog at a time: memory stays bounded however many files a tenant holds. */
    static final int PAGE = 100;

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
            Optional<Instant> cutoff = cutoff(tenant.retention(), clock.instant());
            if (cutoff.isEmpty()) {
                continue;
            }
            List<FileRecord> page; // each page is gone once shredded: the next read starts after it
            do {
                page = database.read(jdbc -> files.committedBefore(jdbc, tenant.id(), cutoff.get(), PAGE));
                for (FileRecord file : page) {
                    shredded += shred(file) ? 1 : 0;
                }
            } while (page.size() == PAGE);
        }
        return shredded;
    }

    /**
     * Files committed before this instant are expired; empty when nothing can be: no retention (zero), or one
     * reaching back before 1970 (a cut-off computed from a retention of centuries would overflow).
     */
    private static Optional<Instant> cutoff(Duration retention, Instant now) {
        if (retention.isZero() || retention.compareTo(Duration.between(Instant.EPOCH, now)) >= 0) {
            return Optional.empty();
        }
        return Optional.of(now.minus(retention));
    }

    private boolean shred(FileRecord file) {
        if (!shredder.shred(file, new AuditEvent.KeyOperation(clock.instant(), Optional.of(file.tenant()),
                AuditEvents.SYSTEM, AuditEvent.KeyAction.SHRED, file.id(), "retention"))) {
            return false;
        }
        LOG.info("retention: shredded file={} tenant={} path={}", file.id(), file.tenant(),
                LogText.quoted(file.path().toString()));
        return true;
    }
}
