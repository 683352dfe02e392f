package io.vaultgate.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the {@link VaultgateConfig} in four layers, each overriding the one before: the defaults of the
 * records (some replaced by a command's own, see {@link #load(Optional, Map, Map, Map)}); the YAML file
 * ({@code --config FILE}, else {@code $VAULTGATE_CONFIG}, else {@code <home>/vaultgate.yaml} if it exists);
 * environment variables ({@code VAULTGATE_SFTP_PORT} for {@code sftp.port}, empty values ignored); command-line
 * overrides ({@code sftp.port → 2022}).
 * Every problem is one {@link ConfigException}; nothing here reads or logs a secret.
 */
public final class ConfigLoader {
    /** The name of the file looked for in the home directory when no file is given. */
    public static final String FILE_NAME = "vaultgate.yaml";
    /** The environment variable naming a configuration file when {@code --config} is not given. */
    public static final String CONFIG_ENV = "VAULTGATE_CONFIG";

    private ConfigLoader() {
    }

    /**
     * @param configFile the {@code --config} file, which must exist
     * @param env        the process environment ({@code System.getenv()} in production)
     * @param overrides  key → value from the command line ({@code --set}, {@code --home})
     * @throws ConfigException naming the key, the problem and the fix
     */
    public static VaultgateConfig load(Optional<Path> configFile, Map<String, String> env,
            Map<String, String> overrides) {
        return load(configFile, env, Map.of(), overrides);
    }

    /**
     * As {@link #load(Optional, Map, Map)}, with {@code defaults} (key → value) in place of the built-in defaults of
     * those keys: a command's own defaults, such as the demo's loopback listeners, which the file, the environment and
     * the command line still override.
     */
    public static VaultgateConfig load(Optional<Path> configFile, Map<String, String> env,
            Map<String, String> defaults, Map<String, String> overrides) {
        ObjectMapper mapper = ConfigModule.mapper();
        ConfigTree tree = new ConfigTree(mapper.valueToTree(VaultgateConfig.defaults()));
        new TreeMap<>(defaults).forEach((key, value) -> tree.set(key, value, "the command's defaults"));
        String home = overrides.getOrDefault("home", env.getOrDefault(KeyNames.envName("home"), ""));
        Optional<Path> file = ConfigFile.choose(configFile, env, home.isEmpty() ? tree.at("home").asText() : home);
        file.ifPresent(f -> tree.merge(ConfigFile.read(mapper, f), f.toString()));
        for (String key : ConfigTree.leafKeys(tree.root())) {
            String value = env.get(KeyNames.envName(key));
            if (value != null && !value.isEmpty()) {
                tree.set(key, value, "environment variable " + KeyNames.envName(key));
            }
        }
        new TreeMap<>(overrides).forEach((key, value) -> tree.set(key, value, "command-line override " + key));
        try {
            return mapper.treeToValue(tree.root(), VaultgateConfig.class);
        } catch (ConfigException e) {
            throw e.from(tree.originOf(e.key()));
        } catch (JsonMappingException e) {
            throw ConfigErrors.translate(e, tree);
        } catch (JsonProcessingException e) {
            throw new ConfigException("configuration", ConfigException.oneLine(e.getOriginalMessage()), null);
        }
    }

    /** Every key, e.g. {@code sftp.max-auth-attempts}, in the order of the example file. */
    public static List<String> keys() {
        return ConfigTree.leafKeys(ConfigModule.mapper().valueToTree(VaultgateConfig.defaults()));
    }

    /** The environment variable that sets {@code key}: {@code sftp.port} → {@code VAULTGATE_SFTP_PORT}. */
    public static String envVariable(String key) {
        return KeyNames.envName(key);
    }

    /**
     * The {@code VAULTGATE_*} variables of {@code env} that set nothing (not a key, not {@value #CONFIG_ENV},
     * not the master-secret, PKCS#11 PIN or catalog-password variable): most likely typos, worth a warning at start-up.
     * Names only, sorted.
     */
    public static List<String> unusedEnvironment(Map<String, String> env, VaultgateConfig config) {
        Set<String> used = new HashSet<>(List.of(CONFIG_ENV, config.keys().masterSecretEnv(),
                config.keys().pkcs11().pinEnv(), config.catalog().passwordEnv()));
        keys().forEach(key -> used.add(KeyNames.envName(key)));
        return env.keySet().stream().filter(name -> name.startsWith(KeyNames.ENV_PREFIX))
                .filter(name -> !used.contains(name)).sorted().toList();
    }

    /** The configuration as YAML, in the same form the file takes (for a "show effective config" command). */
    public static String toYaml(VaultgateConfig config) {
        try {
            return ConfigModule.mapper().writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render configuration", e);
        }
    }
}
