package io.vaultgate.https.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vaultgate.https.http.HttpProblem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request's small JSON object: one level of fields whose values are strings, numbers, booleans or arrays
 * of strings, which is all the admin API takes. Anything else, a missing required field or a field of the
 * wrong type is a 400 that names the field.
 */
final class JsonBody {

    private static final JsonFactory FACTORY = new JsonFactory();
    static final JsonBody EMPTY = new JsonBody(Map.of());

    private final Map<String, Object> fields;

    private JsonBody(Map<String, Object> fields) {
        this.fields = fields;
    }

    static JsonBody parse(byte[] bytes) {
        if (bytes.length == 0) {
            return EMPTY;
        }
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser json = FACTORY.createParser(bytes)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("the body must be a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                JsonToken token = json.nextToken();
                if (fields.put(name, value(json, token, name)) != null) {
                    throw invalid("field " + name + " appears twice");
                }
            }
            if (json.nextToken() != null) {
                throw invalid("unexpected content after the JSON object");
            }
        } catch (IOException e) {
            throw invalid("the body is not valid JSON");
        }
        return new JsonBody(Map.copyOf(fields));
    }

    private static Object value(JsonParser json, JsonToken token, String name) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            return json.getText();
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return json.getLongValue();
        }
        if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            return token == JsonToken.VALUE_TRUE;
        }
        if (token == JsonToken.START_ARRAY) {
            List<String> items = new ArrayList<>();
            while (json.nextToken() == JsonToken.VALUE_STRING) {
                items.add(json.getText());
            }
            if (json.currentToken() != JsonToken.END_ARRAY) {
                throw invalid("field " + name + " must be an array of strings");
            }
            return List.copyOf(items);
        }
        throw invalid("field " + name + " must be a string, an integer, a boolean or an array of strings");
    }

    String string(String name) {
        return optionalString(name).orElseThrow(() -> invalid("field " + name + " is required"));
    }

    Optional<String> optionalString(String name) {
        return typed(name, String.class, "a string");
    }

    Optional<Long> optionalLong(String name) {
        return typed(name, Long.class, "an integer");
    }

    boolean bool(String name, boolean otherwise) {
        return optionalBool(name).orElse(otherwise);
    }

    Optional<Boolean> optionalBool(String name) {
        return typed(name, Boolean.class, "true or false");
    }

    @SuppressWarnings("unchecked")
    Optional<List<String>> optionalStrings(String name) {
        return typed(name, List.class, "an array of strings").map(list -> (List<String>) list);
    }

    private <T> Optional<T> typed(String name, Class<T> type, String description) {
        Object value = fields.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!type.isInstance(value)) {
            throw invalid("field " + name + " must be " + description);
        }
        return Optional.of(type.cast(value));
    }

    static HttpProblem invalid(String message) {
        return HttpProblem.badRequest(message);
    }
}
