package io.vaultgate.https.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathsTest {

    @ParameterizedTest
    @CsvSource({"inbox/a.csv, /inbox/a.csv", "inbox/a%20b+c.csv, /inbox/a b+c.csv", "inbox/%C3%A9t%C3%A9, /inbox/été",
            "inbox/./x, /inbox/x", "'', /"})
    void decodesThenDelegatesToThePathPolicy(String raw, String expected) {
        assertThat(RequestPaths.toVirtualPath(raw)).hasToString(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../x", "%2e%2e/%2e%2e/etc", "inbox/..%2f..%2f..%2fx", "inbox/%00x", "inbox/a%5cb",
            "inbox/%", "inbox/%zz", "inbox/%C3", "inbox/%FF"})
    void traversalAndBrokenEncodings_areInvalidPaths(String raw) {
        assertThatThrownBy(() -> RequestPaths.toVirtualPath(raw)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.INVALID_PATH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../x", "%2e%2e/%2e%2e/etc", "inbox/..%2f..%2f..%2fx", "inbox/../../x", "inbox/%00x",
            "inbox/a%5cb"})
    void escapesFromTheNamespace_areMarkedForTheDefender(String raw) {
        assertThatThrownBy(() -> RequestPaths.toVirtualPath(raw)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(PathEscape.in(e)).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"inbox/a.", "inbox/%", "inbox/%FF", "inbox/..a/%20", "../.."})
    void otherInvalidPaths_areNotEscapes(String raw) {
        assertThatThrownBy(() -> RequestPaths.toVirtualPath(raw)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(PathEscape.in(e)).isFalse());
    }

    @org.junit.jupiter.api.Test
    void rawUtf8BytesInTheRequestLine_areDecoded() {
        String latin1 = new String("inbox/é".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(RequestPaths.toVirtualPath(latin1)).hasToString("/inbox/é");
    }
}
