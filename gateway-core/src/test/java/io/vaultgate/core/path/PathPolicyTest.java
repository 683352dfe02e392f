package io.vaultgate.core.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.testing.CatalogIndependent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

@CatalogIndependent
class PathPolicyTest {

    @ParameterizedTest
    @CsvSource({
            "/inbox/a.csv, /inbox/a.csv",
            "inbox//a.csv, /inbox/a.csv",
            "/inbox/./x/../a.csv, /inbox/a.csv",
            "/, /",
            "'', /",
            "/inbox/, /inbox",
    })
    void normalizes_toOneCanonicalForm(String input, String expected) {
        assertThat(PathPolicy.parse(input)).hasToString(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "/..", "/../etc/passwd", "/inbox/../../etc", "a/../../b"})
    void climbingAboveTheRoot_isRejected(String input) {
        assertThatThrownBy(() -> PathPolicy.parse(input))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(GatewayException.Reason.INVALID_PATH);
                    assertThat(e.clientMessage()).contains("escapes the root");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/inbox/a\u0000b", "/inbox/a\nb", "/inbox/a\\..\\b", "/inbox/a\u007fb", "/inbox/ ",
            "/inbox/name.", "/inbox/trailing "})
    void forbiddenCharactersAndNames_areRejected(String input) {
        assertThatThrownBy(() -> PathPolicy.parse(input)).isInstanceOf(GatewayException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/inbox/invoice_\u202Efdp.exe", "/inbox/a\u202Ab", "/inbox/a\u2066b\u2069",
            "/inbox/\u200Fname", "/inbox/a\u061Cb"})
    void bidirectionalTextControls_areRejected_soNoNameDisplaysAsAnother(String input) {
        assertThatThrownBy(() -> PathPolicy.parse(input)).isInstanceOfSatisfying(GatewayException.class, e ->
                assertThat(e.clientMessage()).contains("bidirectional text controls"));
    }

    @Test
    void decomposedAndComposedUnicode_nameTheSameFile() {
        String composed = "/inbox/caf\u00e9.csv";
        String decomposed = "/inbox/cafe\u0301.csv";
        assertThat(PathPolicy.parse(decomposed)).isEqualTo(PathPolicy.parse(composed));
    }

    @Test
    void overlongSegmentsAndPaths_areRejected() {
        assertThatThrownBy(() -> PathPolicy.parse("/inbox/" + "a".repeat(256)))
                .hasMessageContaining("longer than 255");
        assertThatThrownBy(() -> PathPolicy.parse("/inbox/" + "abcdefghi/".repeat(110)))
                .hasMessageContaining("longer than 1024");
    }

    @Test
    void relativeInput_resolvesAgainstTheWorkingDirectory() {
        VirtualPath cwd = PathPolicy.parse("/inbox/2026");
        assertThat(PathPolicy.resolve(cwd, "a.csv")).hasToString("/inbox/2026/a.csv");
        assertThat(PathPolicy.resolve(cwd, "../b.csv")).hasToString("/inbox/b.csv");
        assertThat(PathPolicy.resolve(cwd, "/outbox")).hasToString("/outbox");
    }

    @Test
    void encodedDots_areOrdinaryNames_notTraversal() {
        assertThat(PathPolicy.parse("/inbox/%2e%2e/x")).hasToString("/inbox/%2e%2e/x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "/inbox/../../x", "//../../etc/shadow", "/../inbox", "a\\b",
        "nul\u0000name", "%2e%2e/../x/../../y"})
    void escapeAttempts_climbOutAndReachForAName_orCarryNulOrBackslash(String input) {
        assertThat(PathPolicy.isEscapeAttempt(VirtualPath.ROOT, input)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "/..", "//..", "../..", "inbox/../..", "/inbox/..", "inbox/./a.csv", "/inbox/x",
        "name ending in a dot.", "/a/b/../../c"})
    void bareClimbs_ordinaryPaths_andMerelyInvalidNames_areNotEscapeAttempts(String input) {
        assertThat(PathPolicy.isEscapeAttempt(VirtualPath.ROOT, input)).isFalse();
    }

    @Test
    void relativeClimbs_countFromTheWorkingDirectory() {
        VirtualPath inbox = PathPolicy.parse("/inbox");
        assertThat(PathPolicy.isEscapeAttempt(inbox, "../outbox")).isFalse();
        assertThat(PathPolicy.isEscapeAttempt(inbox, "../../outbox")).isTrue();
        assertThat(PathPolicy.isEscapeAttempt(inbox, "/../outbox")).isTrue();
    }
}
