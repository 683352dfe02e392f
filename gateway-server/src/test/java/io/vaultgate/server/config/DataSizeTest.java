package io.vaultgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataSizeTest {
    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "4096, 4096",
        "64KiB, 65536",
        "64 KiB, 65536",
        "64kib, 65536",
        "4MiB, 4194304",
        "100GiB, 107374182400",
        "1TiB, 1099511627776",
        "10KB, 10000",
        "10MB, 10000000",
        "2GB, 2000000000",
        "1TB, 1000000000000",
        "12B, 12",
    })
    void parse_acceptsBinaryDecimalAndPlainBytes(String text, long bytes) {
        assertThat(DataSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1", "1.5GiB", "4 M", "10XB", "GiB", "99999999999TiB"})
    void parse_rejectsAnythingElse_withTheAcceptedForms(String text) {
        assertThatThrownBy(() -> DataSize.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.isEmpty() ? "\"\"" : text);
    }

    @ParameterizedTest
    @CsvSource({"0, 0B", "1000, 1000B", "1024, 1KiB", "65536, 64KiB", "4194304, 4MiB", "107374182400, 100GiB",
        "1099511627776, 1TiB", "1536, 1536B"})
    void toString_usesTheLargestExactBinaryUnit_andParsesBack(long bytes, String text) {
        assertThat(DataSize.ofBytes(bytes)).hasToString(text);
        assertThat(DataSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @org.junit.jupiter.api.Test
    void negativeSize_cannotBeBuilt() {
        assertThatThrownBy(() -> DataSize.ofBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataSize.ofGibibytes(Long.MAX_VALUE)).isInstanceOf(ArithmeticException.class);
    }
}
