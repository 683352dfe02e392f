package io.vaultgate.server.cli;

import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every subcommand takes: where the configuration and the data directory are. */
public final class GlobalOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: $VAULTGATE_CONFIG, else <home>/vaultgate.yaml if present).")
    Path config;

    @Option(names = "--home", paramLabel = "DIR",
            description = "Data directory (default: $VAULTGATE_HOME, else ./var).")
    Path home;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one configuration key, e.g. --set sftp.port=2022. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** Loads the configuration: defaults < file < environment < these options. */
    public VaultgateConfig load(Map<String, String> env) {
        return load(env, Map.of());
    }

    /** As {@link #load(Map)}, with a command's own {@code defaults} for some keys, below the file. */
    public VaultgateConfig load(Map<String, String> env, Map<String, String> defaults) {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        if (home != null) {
            all.put("home", home.toString());
        }
        return ConfigLoader.load(Optional.ofNullable(config), env, defaults, all);
    }
}
