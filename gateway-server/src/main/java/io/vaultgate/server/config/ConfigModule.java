package io.vaultgate.server.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How configuration values look in YAML: durations as {@code 30s}, sizes as {@code 4MiB}, paths as written,
 * enums in lower case (log levels in upper case). Parse failures throw {@link InvalidValue}, which the
 * loader turns into an error naming the key.
 */
final class ConfigModule extends SimpleModule {
    private static final long serialVersionUID = 1L;

    /** The one mapper configuration: strict about types, unknown keys and duplicate keys; kebab-case names. */
    static ObjectMapper mapper() {
        return YAMLMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES,
                        DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .withCoercionConfigDefaults(c -> c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.Integer,
                        CoercionAction.Fail))
                .addModule(new ConfigModule())
                .build();
    }

    private ConfigModule() {
        super("vaultgate-config");
        scalar(Duration.class, Durations::format, Durations::parse);
        scalar(DataSize.class, DataSize::toString, DataSize::parse);
        scalar(Path.class, Path::toString, ConfigModule::parsePath);
        enumeration(KeyProviderType.class, false, Map.of());
        enumeration(CatalogType.class, false, Map.of());
        enumeration(StorageType.class, false, Map.of());
        enumeration(LogFormat.class, false, Map.of());
        enumeration(LogLevel.class, true, Map.of());
    }

    private static Path parsePath(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new InvalidValue("not a valid path " + InvalidValue.quote(text),
                    "give a path, absolute or relative to home");
        }
    }

    private <E extends Enum<E>> void enumeration(Class<E> type, boolean upper, Map<String, String> reserved) {
        Function<E, String> format = e -> upper ? e.name() : e.name().toLowerCase(Locale.ROOT);
        String allowed = Arrays.stream(type.getEnumConstants()).map(format).collect(Collectors.joining(", "));
        scalar(type, format, text -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(text.strip())) {
                    return constant;
                }
            }
            String reason = reserved.get(text.strip().toLowerCase(Locale.ROOT));
            throw new InvalidValue(reason == null ? "unknown value " + InvalidValue.quote(text)
                    : InvalidValue.quote(text) + " is " + reason, "allowed: " + allowed);
        });
    }

    private <T> void scalar(Class<T> type, Function<T, String> format, Function<String, T> parse) {
        addSerializer(type, new StdSerializer<T>(type) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(format.apply(value));
            }
        });
        addDeserializer(type, new StdScalarDeserializer<T>(type) {
            private static final long serialVersionUID = 1L;

            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return parse.apply(p.getText());
            }
        });
    }
}
