package io.vaultgate.core.admin;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** Consistent copies of an embedded catalog for a backup, each recorded in the audit log with who took it. */
public final class CatalogBackup {

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    public CatalogBackup(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /** Copies the catalog to {@code target} (which must not exist) and records it; see {@link Database#snapshotTo}. */
    public void snapshot(Path target, String actor) {
        database.snapshotTo(target);
        audit.append(new AuditEvent.AdminChange(clock.instant(), Optional.empty(), actor, AdminAction.BACKUP_TAKEN,
                target.toAbsolutePath().toString()));
    }
}
