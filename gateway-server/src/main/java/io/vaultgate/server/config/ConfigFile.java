package io.vaultgate.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Which configuration file to read, and reading it into a tree with errors that name the file. */
final class ConfigFile {
    private static final long MAX_BYTES = 1 << 20;

    private ConfigFile() {
    }

    /**
     * The file to read: {@code configFile} (must exist), else {@code $VAULTGATE_CONFIG} (must exist), else
     * {@code <home>/vaultgate.yaml} if it exists, else none.
     */
    static Optional<Path> choose(Optional<Path> configFile, Map<String, String> env, String home) {
        if (configFile.isPresent()) {
            return Optional.of(existing(configFile.get(), "--config " + configFile.get()));
        }
        String named = env.get(ConfigLoader.CONFIG_ENV);
        if (named != null && !named.isEmpty()) {
            return Optional.of(existing(Path.of(named), ConfigLoader.CONFIG_ENV + "=" + named));
        }
        try {
            Path implicit = Path.of(home).resolve(ConfigLoader.FILE_NAME);
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

    /** The parsed file; a syntax error names the file and the line. */
    static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
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
