package io.vaultgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "10m, PT10M", "24h, PT24H", "7d, PT168H", "0s, PT0S",
        "PT1H30M, PT1H30M", "pt15s, PT15S", "P2D, PT48H", " 45 s , PT45S"})
    void parse_acceptsShortFormsAndIso8601(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "30", "1.5h", "-5s", "PT-5S", "10 minutes", "5w", "999999999999999999d"})
    void parse_rejectsBareNumbersNegativesAndUnknownUnits(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(InvalidValue.class)
                .hasMessageStartingWith("not a duration").hasMessageContaining("use e.g. 30s, 10m, 24h");
    }

    @ParameterizedTest
    @CsvSource({"PT0S, 0s", "PT0.5S, 500ms", "PT30S, 30s", "PT90S, 90s", "PT10M, 10m", "PT24H, 24h", "PT48H, 2d",
        "PT0.0000001S, PT0.0000001S"})
    void format_usesTheLargestExactUnit_andParsesBack(String iso, String text) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }
}
