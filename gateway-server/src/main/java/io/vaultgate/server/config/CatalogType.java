package io.vaultgate.server.config;

/** The catalog database. */
public enum CatalogType {
    /** An embedded SQLite file: nothing to install. */
    SQLITE,
    /** A PostgreSQL database shared by every gateway node (scale-out; docs/postgresql.md). */
    POSTGRESQL
}
