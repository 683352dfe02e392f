package io.vaultgate.server.config;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.List;
import java.util.stream.Collectors;

/** Turns what Jackson throws while binding the tree into one {@link ConfigException} naming the key. */
final class ConfigErrors {
    private ConfigErrors() {
    }

    static ConfigException translate(JsonMappingException e, ConfigTree tree) {
        String key = key(e.getPath());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException known) {
                return known.from(tree.originOf(known.key()));
            }
            if (t instanceof InvalidValue invalid) {
                return new ConfigException(key, invalid.problem(), invalid.fix()).from(tree.originOf(key));
            }
        }
        String subject = key.isEmpty() ? "configuration" : key;
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return new ConfigException(subject, "expected " + expected(mismatch.getTargetType()) + ", got "
                    + got(tree.at(key)), null).from(tree.originOf(key));
        }
        return new ConfigException(subject, ConfigException.oneLine(e.getOriginalMessage()), null)
                .from(tree.originOf(key));
    }

    private static String key(List<JsonMappingException.Reference> path) {
        return path.stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        return type == String.class ? "text" : "a " + type.getSimpleName();
    }

    private static String got(JsonNode node) {
        if (node == null || node.isNull()) {
            return "nothing";
        }
        return node.isTextual() ? InvalidValue.quote(node.asText()) : ConfigException.oneLine(node.toString());
    }
}
