package io.vaultgate.core.ingest;

import io.vaultgate.core.testing.OnPostgresql;

/**
 * {@link DiskFullIT} on PostgreSQL: what an upload that fills the store leaves in a catalog of this JVM's test
 * cluster (the store stays the tmpfs directory). In the same failsafe execution as the SQLite run; skipped on a run
 * whose catalog is PostgreSQL already.
 */
@OnPostgresql
class DiskFullPostgresqlIT extends DiskFullIT {
}
