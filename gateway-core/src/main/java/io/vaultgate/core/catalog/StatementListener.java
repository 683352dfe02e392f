package io.vaultgate.core.catalog;

/**
 * Test hook: told of the catalog work a {@link Database}'s callers ask for, so a test can hold the work per upload to
 * what it is (the {@code CatalogWorkPerPutTest}). Told on the thread that runs the work, before it runs: each write
 * transaction ({@link Database#inTransaction}, {@link Database#inTransactionDeferringSync}), each read ({@link
 * Database#read}) and each statement the work runs through {@link Jdbc}; not the statements {@code Database} runs
 * itself to begin, end or tune a transaction ({@code PRAGMA synchronous}, {@code ROLLBACK}). Never set in production:
 * {@link #NONE}, whose calls the JIT removes, is every database's until a test sets another ({@link Database#listen}).
 */
interface StatementListener {

    /** Listens to nothing. */
    StatementListener NONE = new StatementListener() {
    };

    /** A write transaction begins. */
    default void transaction() {
    }

    /** An autocommit read begins. */
    default void read() {
    }

    /** A statement of the work runs: {@code sql} as prepared. */
    default void statement(String sql) {
    }
}
