package io.vaultgate.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration as a tree while it is being assembled: starts as the defaults, then layers (the file,
 * the environment, overrides) are applied on top. The defaults tree is the schema: a key it lacks is
 * unknown, a section stays a section, a value stays a single value. Remembers where each key was last set,
 * so an error can say which file or variable to fix.
 */
final class ConfigTree {
    private final ObjectNode root;
    private final Map<String, String> origins = new HashMap<>();

    ConfigTree(ObjectNode defaults) {
        this.root = defaults.deepCopy();
    }

    ObjectNode root() {
        return root;
    }

    /** Deep-merges a parsed file; {@code origin} names the file in errors. */
    void merge(JsonNode file, String origin) {
        if (file == null || file.isNull() || file.isMissingNode()) {
            return;
        }
        if (!file.isObject()) {
            throw new ConfigException(origin, "expected a mapping of keys at the top level, got "
                    + shape(file), "start the file with keys such as home:, sftp:, https:");
        }
        mergeSection(root, file, "", origin);
    }

    private void mergeSection(ObjectNode base, JsonNode overlay, String prefix, String origin) {
        for (Map.Entry<String, JsonNode> field : overlay.properties()) {
            String key = prefix + field.getKey();
            JsonNode current = base.get(field.getKey());
            JsonNode value = field.getValue();
            if (current == null) {
                throw unknown(base, prefix, field.getKey(), key).from(origin);
            }
            origins.put(key, origin);
            if (current.isObject()) {
                if (value.isObject()) {
                    mergeSection((ObjectNode) current, value, key + ".", origin);
                } else if (!value.isNull()) { // an empty section keeps its defaults
                    throw new ConfigException(key, "expected a section with keys "
                            + String.join(", ", names(current)) + ", got " + shape(value), null).from(origin);
                }
            } else if (value.isNull()) {
                throw new ConfigException(key, "no value", "give a value, or remove the key to use the default "
                        + current.asText()).from(origin);
            } else if (value.isContainerNode()) {
                throw new ConfigException(key, "expected a single value, got " + shape(value), null).from(origin);
            } else {
                base.set(field.getKey(), value);
            }
        }
    }

    /** Sets one leaf from text (an environment variable or a command-line override). */
    void set(String key, String value, String origin) {
        ObjectNode section = root;
        String[] parts = key.split("\\.", -1);
        String prefix = "";
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = section.get(parts[i]);
            if (next == null || !next.isObject()) {
                throw unknown(section, prefix, parts[i], key).from(origin);
            }
            section = (ObjectNode) next;
            prefix += parts[i] + ".";
        }
        JsonNode current = section.get(parts[parts.length - 1]);
        if (current == null) {
            throw unknown(section, prefix, parts[parts.length - 1], key).from(origin);
        }
        if (current.isObject()) {
            throw new ConfigException(key, "is a section, not a value",
                    "set one of its keys: " + key + "." + String.join(", " + key + ".", names(current)))
                    .from(origin);
        }
        if (value == null) {
            throw new ConfigException(key, "no value", null).from(origin);
        }
        section.set(parts[parts.length - 1], TextNode.valueOf(value));
        origins.put(key, origin);
    }

    /** Where the value of {@code key} (or of its closest section) was set, or null for a default. */
    String originOf(String key) {
        for (String k = key; !k.isEmpty(); k = k.contains(".") ? k.substring(0, k.lastIndexOf('.')) : "") {
            if (origins.containsKey(k)) {
                return origins.get(k);
            }
        }
        return null;
    }

    /** The value at a key path, or null. */
    JsonNode at(String key) {
        JsonNode node = root;
        for (String part : key.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node;
    }

    /** Every leaf key path of a tree, in document order, e.g. {@code sftp.max-auth-attempts}. */
    static List<String> leafKeys(JsonNode tree) {
        List<String> keys = new ArrayList<>();
        collect(tree, "", keys);
        return keys;
    }

    private static void collect(JsonNode node, String prefix, List<String> keys) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (field.getValue().isObject()) {
                collect(field.getValue(), prefix + field.getKey() + ".", keys);
            } else {
                keys.add(prefix + field.getKey());
            }
        }
    }

    /** {@code name} is not a key of {@code section} (at {@code prefix}); {@code key} is the whole path given. */
    private static ConfigException unknown(JsonNode section, String prefix, String name, String key) {
        String where = prefix.isEmpty() ? "known top-level keys: " : "known keys under "
                + prefix.substring(0, prefix.length() - 1) + ": ";
        String rest = key.substring(prefix.length() + name.length());
        String hint = KeyNames.closest(name, names(section))
                .map(s -> "did you mean " + prefix + s + rest + "? ").orElse("");
        return new ConfigException(key, "unknown key", hint + where + String.join(", ", names(section)));
    }

    private static List<String> names(JsonNode section) {
        List<String> names = new ArrayList<>();
        section.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String shape(JsonNode node) {
        return node.isObject() ? "a mapping"
                : node.isArray() ? "a list" : "the value " + InvalidValue.quote(node.asText());
    }
}
