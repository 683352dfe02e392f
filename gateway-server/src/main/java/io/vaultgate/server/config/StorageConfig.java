package io.vaultgate.server.config;

import java.nio.file.Path;

/**
 * The object store for ciphertext ({@code storage.*}).
 *
 * @param type  the store kind
 * @param path  the root directory of objects, relative to home unless absolute
 */
public record StorageConfig(StorageType type, Path path) {

    public StorageConfig {
        Require.present("storage.type", type);
        Require.path("storage.path", path);
    }

    public static StorageConfig defaults() {
        return new StorageConfig(StorageType.FILESYSTEM, Path.of("objects"));
    }
}
