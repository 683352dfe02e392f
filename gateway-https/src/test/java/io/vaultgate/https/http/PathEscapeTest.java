package io.vaultgate.https.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The escape rules for request parts that are not parsed as paths: tus upload ids and file names. */
class PathEscapeTest {

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "..%2f..%2fx", "x/../../../etc/passwd",
            "x%00", "a%5C..%5Cb", "a%5cb", "../x%zz"})
    void idsThatClimbOutLikeAPath_areEscapes(String raw) {
        assertThat(PathEscape.inUrl(raw)).as(raw).isTrue();
    }

    /** As for {@code /v1/files/}: a bare climb is not scored, nor is what cannot be decoded (judged as it is). */
    @ParameterizedTest
    @ValueSource(strings = {"bm9wZQ", "MTA6Zl90Oi9pbmJveC90.AAAAAAAAAAAAAAAAAAAAAA", "..", "../..", "%2E%2E", "a..b",
            "...", "", "%", "..%2F..%2F%zz"})
    void ordinaryOrBareClimbingIds_areNotEscapes(String raw) {
        assertThat(PathEscape.inUrl(raw)).as(raw).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x.csv", "../../etc/passwd", "..\\..\\windows\\win.ini", "C:\\docs\\..\\x.csv",
            "a/../b", "a\0.csv", "a.csv\0.exe"})
    void fileNamesThatLeaveTheirDirectory_areRefused_andMarked(String name) {
        assertThat(PathEscape.inFileName(name)).as(name).isTrue();
        assertThatThrownBy(() -> PathEscape.fileName(name)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(GatewayException.Reason.INVALID_PATH);
            assertThat(PathEscape.in(e)).isTrue();
            assertThat(e.clientMessage()).isEqualTo("invalid path: a file name may not contain '..' or a NUL");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.csv", "C:\\docs\\one.csv", "/home/me/a.csv", "a..b.csv", "...", ".hidden", "a\\b"})
    void fileNamesABrowserSends_areKept(String name) {
        assertThat(PathEscape.inFileName(name)).as(name).isFalse();
        assertThat(PathEscape.fileName(name)).isEqualTo(name);
    }

    @Test
    void marked_keepsWhatTheClientIsTold() {
        GatewayException refused = GatewayException.notFound("upload");

        GatewayException marked = PathEscape.marked(refused);

        assertThat(PathEscape.in(refused)).isFalse();
        assertThat(PathEscape.in(marked)).isTrue();
        assertThat(marked.reason()).isEqualTo(refused.reason());
        assertThat(marked.clientMessage()).isEqualTo(refused.clientMessage());
    }
}
