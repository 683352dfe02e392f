package io.vaultgate.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Builds the {@link VaultgateConfig} in four layers, each overriding the one before: the defaults of the
 * records; the YAML file ({@code --config FILE}, else {@code $VAULTGATE_CONFIG}, else
 * {@code <home>/vaultgate.yaml} if it exists); environment variables ({@code VAULTGATE_SFTP_PORT} for
 * {@code sftp.port}, empty values ignored); command-line overrides ({@code sftp.port → 2022}).
 * Every problem is one {@link ConfigException}; nothing here reads or logs a secret.
 */
public final class ConfigLoader {
    /** The name of the file looked for in the home directory when no file is given. */
    public static final String FILE_NAME = "vaultgate.yaml";
    /** The environment variable naming a configuration file when {@code --config} is not given. */
    public static final String CONFIG_ENV = "VAULTGATE_CONFIG";
    private static final long MAX_FILE_BYTES = 1 << 20;

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
        ObjectMapper mapper = ConfigModule.mapper();
        ConfigTree tree = new ConfigTree(mapper.valueToTree(VaultgateConfig.defaults()));
        Optional<Path> file = chooseFile(configFile, env, overrides, tree);
        file.ifPresent(f -> tree.merge(read(mapper, f), f.toString()));
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

    /** The configuration as YAML, in the same form the file takes (for a "show effective config" command). */
    public static String toYaml(VaultgateConfig config) {
        try {
            return ConfigModule.mapper().writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render configuration", e);
        }
    }

    private static Optional<Path> chooseFile(Optional<Path> configFile, Map<String, String> env,
            Map<String, String> overrides, ConfigTree tree) {
        if (configFile.isPresent()) {
            return Optional.of(existing(configFile.get(), "--config " + configFile.get()));
        }
        String named = env.get(CONFIG_ENV);
        if (named != null && !named.isEmpty()) {
            return Optional.of(existing(Path.of(named), CONFIG_ENV + "=" + named));
        }
        String home = overrides.getOrDefault("home", env.getOrDefault(KeyNames.envName("home"), ""));
        try {
            Path implicit = Path.of(home.isEmpty() ? tree.at("home").asText() : home).resolve(FILE_NAME);
            return Files.isRegularFile(implicit) ? Optional.of(implicit.toAbsolutePath()) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty(); // binding reports the bad home
        }
    }

    private static Path existing(Path file, String label) {
        if (!Files.exists(file)) {
            throw new ConfigException(label, "file not found", "give an existing file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(label, "not a regular file", "give the path of a YAML file");
        }
        return file.toAbsolutePath().normalize();
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(file.toString(), "larger than 1 MiB, too large for a configuration file",
                        "give the right file");
            }
            return mapper.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new ConfigException(file.toString(), "not valid YAML" + syntaxError(e), "fix the syntax");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot be read (" + e.getClass().getSimpleName() + ")",
                    "check that the gateway's user may read it");
        }
    }

    /** " at line N: problem", preferring SnakeYAML's problem and its position over its context. */
    private static String syntaxError(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException yaml && yaml.getProblem() != null) {
                Mark mark = yaml.getProblemMark();
                return (mark == null ? "" : " at line " + (mark.getLine() + 1)) + ": "
                        + ConfigException.oneLine(yaml.getProblem());
            }
        }
        JsonLocation at = e.getLocation();
        String line = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr();
        return line + ": " + ConfigException.oneLine(
                String.valueOf(e.getOriginalMessage()).strip().lines().findFirst().orElse(""));
    }
}
