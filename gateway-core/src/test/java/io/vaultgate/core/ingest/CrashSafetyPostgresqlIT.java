package io.vaultgate.core.ingest;

import io.vaultgate.core.testing.OnPostgresql;

/**
 * {@link CrashSafetyIT} on PostgreSQL: the child gateways killed with SIGKILL and the restarts' recovery on a catalog
 * of this JVM's test cluster (the store stays the home's directory). In the same failsafe execution as the SQLite run,
 * so that the two run at once on the two test JVMs; skipped on a run whose catalog is PostgreSQL already.
 */
@OnPostgresql
class CrashSafetyPostgresqlIT extends CrashSafetyIT {
}
