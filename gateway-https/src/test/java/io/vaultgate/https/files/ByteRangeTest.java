package io.vaultgate.https.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.https.http.HttpProblem;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {

    @ParameterizedTest
    @CsvSource({"bytes=0-9, 0, 9", "bytes=5-, 5, 99", "bytes=-10, 90, 99", "bytes=90-200, 90, 99",
            "bytes=-1000, 0, 99", "BYTES=1-1, 1, 1"})
    void singleRange_isResolvedAgainstTheSize(String header, long first, long last) {
        assertThat(ByteRange.parse(header, 100)).contains(new ByteRange(first, last));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-1,5-6", "items=0-1", "bytes=5-2", "bytes=a-b", "bytes=-", "bytes 0-1", "bytes=1"})
    void unsupportedOrMalformedRange_servesTheWholeFile(String header) {
        assertThat(ByteRange.parse(header, 100)).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=100-", "bytes=100-200", "bytes=-0"})
    void rangeOutsideTheFile_isUnsatisfiable(String header) {
        assertThatThrownBy(() -> ByteRange.parse(header, 100)).isInstanceOfSatisfying(HttpProblem.class,
                p -> assertThat(p.headers().get("content-range")).isEqualTo("bytes */100"));
    }

    @org.junit.jupiter.api.Test
    void anyRangeOfAnEmptyFile_isUnsatisfiable() {
        assertThatThrownBy(() -> ByteRange.parse("bytes=0-", 0)).isInstanceOf(HttpProblem.class);
    }
}
