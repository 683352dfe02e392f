package io.vaultgate.server.config;

import java.nio.file.Path;

/**
 * The catalog database ({@code catalog.*}).
 *
 * @param type  the database kind
 * @param path  the SQLite database file, relative to home unless absolute
 */
public record CatalogConfig(CatalogType type, Path path) {

    public CatalogConfig {
        Require.present("catalog.type", type);
        Require.path("catalog.path", path);
    }

    public static CatalogConfig defaults() {
        return new CatalogConfig(CatalogType.SQLITE, Path.of("catalog.db"));
    }
}
