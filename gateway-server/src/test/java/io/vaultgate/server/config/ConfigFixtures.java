package io.vaultgate.server.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Small helpers shared by the config tests. */
final class ConfigFixtures {
    /** The documented example, relative to the module directory that surefire runs in. */
    static final Path EXAMPLE = Path.of("..", "config", "vaultgate.yaml");
    static final Path DOCS = Path.of("..", "docs", "configuration.md");

    private ConfigFixtures() {
    }

    static Path write(Path dir, String name, String yaml) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static VaultgateConfig loadFile(Path file) {
        return ConfigLoader.load(Optional.of(file), Map.of(), Map.of());
    }

    static VaultgateConfig loadYaml(Path dir, String yaml) {
        return loadFile(write(dir, "vaultgate.yaml", yaml));
    }

    static VaultgateConfig withHome(VaultgateConfig c, Path home) {
        return new VaultgateConfig(home, c.sftp(), c.https(), c.keys(), c.catalog(), c.storage(), c.uploads(),
                c.shutdown(), c.logging());
    }
}
