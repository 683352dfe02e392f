package io.vaultgate.core.audit.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.testing.CatalogIndependent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@CatalogIndependent
class CanonicalJsonTest {

    @Test
    void keys_areSortedByUtf16CodeUnits_asRfc8785Requires() {
        // RFC 8785 section 3.2.3's ordering example, reduced to its keys.
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("\u20ac", "Euro Sign");
        object.put("\r", "Carriage Return");
        object.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
        object.put("1", "One");
        object.put("\ud83d\ude00", "Emoji: Grinning Face");
        object.put("\u0080", "Control");
        object.put("\u00f6", "Latin Small Letter O With Diaeresis");
        assertThat(CanonicalJson.text(object)).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void strings_escapeOnlyQuotesBackslashesAndControls() {
        assertThat(CanonicalJson.text("a\"b\\c\b\t\n\f\r\u0001/\u007f\u00e9"))
                .isEqualTo("\"a\\\"b\\\\c\\b\\t\\n\\f\\r\\u0001/\u007f\u00e9\"");
    }

    @Test
    void nestedValues_haveNoWhitespace() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("b", List.of(1L, true, "x"));
        object.put("a", null);
        object.put("c", Map.of("z", -5, "y", false));
        assertThat(CanonicalJson.text(object)).isEqualTo("{\"a\":null,\"b\":[1,true,\"x\"],\"c\":{\"y\":false,\"z\":-5}}");
    }

    @Test
    void integersBeyond2To53_areRefused() {
        assertThat(CanonicalJson.text(CanonicalJson.MAX_INTEGER)).isEqualTo("9007199254740991");
        assertThatThrownBy(() -> CanonicalJson.text(CanonicalJson.MAX_INTEGER + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exact JSON range");
    }

    @Test
    void unpairedSurrogates_andUnknownTypes_areRefused() {
        assertThatThrownBy(() -> CanonicalJson.text("a\ud800b")).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> CanonicalJson.text(1.5)).hasMessageContaining("not a canonical JSON value");
    }

    @Test
    void reader_roundTripsWhatTheWriterWrites() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("path", "/inbox/r\u00e9sum\u00e9 \"q\"\n.csv");
        object.put("size", 9007199254740991L);
        object.put("list", List.of(Map.of("k", "v"), List.of(), -1L));
        object.put("none", null);
        String text = CanonicalJson.text(object);
        assertThat(CanonicalJson.text(JsonReader.parse(text))).isEqualTo(text);
    }

    @Test
    void reader_acceptsWhitespaceAndEscapesOtherWritersUse() {
        assertThat(JsonReader.parseObject(" { \"a\" : \"\\u00e9\\/\" , \"b\" : [ ] } "))
                .containsEntry("a", "\u00e9/").containsEntry("b", List.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":1} x", "{\"a\":01}", "{\"a\":",
            "{\"a\":\"\u0001\"}", "{'a':1}", "[1,]", "{\"a\":99999999999999999999}", "\"\\x\""})
    void reader_refusesWhatIsNotStrictJson(String text) {
        assertThatThrownBy(() -> JsonReader.parse(text)).isInstanceOf(JsonException.class)
                .hasMessageContaining("at offset");
    }

    @Test
    void reader_refusesDeepNesting() {
        assertThatThrownBy(() -> JsonReader.parse("[".repeat(100) + "]".repeat(100)))
                .hasMessageContaining("nested too deeply");
    }
}
