package io.vaultgate.core.catalog;

/**
 * Everything that differs between the catalog's two databases, in one place. The migrations and every
 * other statement are the same SQL on both: {@code INSERT ... ON CONFLICT (...) DO NOTHING}, {@code LIMIT ?},
 * {@code LIKE ... ESCAPE}, {@code COALESCE} run unchanged on SQLite (3.24+) and PostgreSQL (9.5+).
 *
 * <p>What differs is locking. A SQLite transaction takes the database's write lock at its first statement
 * ({@code BEGIN IMMEDIATE}), so writers never interleave and rows need no locks. PostgreSQL runs
 * transactions concurrently (READ COMMITTED), possibly on several gateway nodes: a statement that reads rows
 * in order to change them locks them with {@link #forUpdate()}, or with {@link #skipLocked()} when any
 * free row will do (leases, outbox claims), so that concurrent claimers pass over each other's rows instead
 * of queueing behind them, and each row is taken by exactly one of them.
 */
public enum Dialect {

    /** The embedded default. */
    SQLITE("", "", "", "", "") {
        @Override
        public String segmentAt(String column, int from) {
            return "substr(" + column + ", " + from + ", instr(substr(" + column + ", " + from + "), '/') - 1)";
        }

        @Override
        public String nowMillis() {
            return "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";
        }
    },

    /** Scale-out: one catalog shared by every gateway node. */
    POSTGRESQL(" FOR UPDATE", " FOR UPDATE SKIP LOCKED", " FOR NO KEY UPDATE", " FOR SHARE", " COLLATE \"C\"") {
        @Override
        public String segmentAt(String column, int from) {
            return "split_part(substr(" + column + ", " + from + "), '/', 1)";
        }

        @Override
        public String nowMillis() {
            return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
        }
    };

    private final String forUpdate;
    private final String skipLocked;
    private final String forNoKeyUpdate;
    private final String forShare;
    private final String binary;

    Dialect(String forUpdate, String skipLocked, String forNoKeyUpdate, String forShare, String binary) {
        this.forUpdate = forUpdate;
        this.skipLocked = skipLocked;
        this.forNoKeyUpdate = forNoKeyUpdate;
        this.forShare = forShare;
        this.binary = binary;
    }

    /**
     * Appended to a text expression that is compared or ordered: the comparison is by the bytes of the UTF-8
     * text (code point order), whatever collation the database was created with. SQLite compares text that way
     * already (its {@code BINARY} default); PostgreSQL needs {@code COLLATE "C"}. Listing pages rely on it: both
     * databases, and the gateway's merge of their rows, must agree on which name comes next.
     */
    public String binary() {
        return binary;
    }

    /**
     * Appended to a {@code SELECT} (after {@code ORDER BY} and {@code LIMIT}) whose rows the transaction is
     * about to change: the rows stay locked until it ends, and a concurrent locker waits. Empty on SQLite.
     */
    public String forUpdate() {
        return forUpdate;
    }

    /**
     * As {@link #forUpdate()}, but rows another transaction has locked are left out of the result instead
     * of waited for: the clause for "take any free job". Empty on SQLite.
     */
    public String skipLocked() {
        return skipLocked;
    }

    /**
     * As {@link #forUpdate()}, for a row taken as a lock on something else (a tenant's row locking its names):
     * rows inserted meanwhile that reference it by foreign key are not held up. Empty on SQLite.
     */
    public String forNoKeyUpdate() {
        return forNoKeyUpdate;
    }

    /**
     * A shared lock on a row read to decide a change elsewhere (a site's row before retrying one of its jobs): any
     * number of readers hold it at once, and a transaction locking the row {@link #forUpdate()} waits for them, and
     * they for it. Empty on SQLite.
     */
    public String forShare() {
        return forShare;
    }

    /**
     * The SQL expression for the path segment of {@code column} that starts at character {@code from} (1-based)
     * and ends before the next {@code /}; the column's value must have a {@code /} after {@code from}.
     */
    public abstract String segmentAt(String column, int from);

    /**
     * The SQL expression for the database server's time now, in milliseconds since the epoch: one clock for every
     * node of a shared catalog, where comparing times written by different nodes' clocks would not do (heartbeats).
     */
    public abstract String nowMillis();
}
