package io.vaultgate.server.config;

/** The catalog database. {@code postgresql} (scale-out) is reserved and rejected until it is implemented. */
public enum CatalogType {
    /** An embedded SQLite file: nothing to install. */
    SQLITE
}
