package io.vaultgate.https.multipart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.http.PathEscape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A form part's file name: its last segment in the request's directory; one that tries to leave the directory is
 * refused and marked for the defender (before, {@code ../../etc/passwd} became {@code passwd} unnoticed).
 */
class FormFileNameTest {

    private static final VirtualPath INBOX = PathPolicy.parse("/inbox");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"a.csv|/inbox/a.csv", "C:\\docs\\one.csv|/inbox/one.csv",
            "/home/me/b.csv|/inbox/b.csv", "a..b.csv|/inbox/a..b.csv", "sub/c.csv|/inbox/c.csv"})
    void theLastSegment_inTheDirectory(String filename, String expected) {
        assertThat(FormFileName.resolve(INBOX, filename)).hasToString(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../../etc/passwd", "..\\..\\windows\\win.ini", "x/../y.csv", "a\0.csv"})
    void aNameThatLeavesTheDirectory_isAnInvalidPath_markedAsAnEscape(String filename) {
        assertThatThrownBy(() -> FormFileName.resolve(INBOX, filename)).isInstanceOfSatisfying(GatewayException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo(GatewayException.Reason.INVALID_PATH);
                    assertThat(PathEscape.in(e)).as(filename).isTrue();
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "dir/", "C:\\docs\\", "name.", "a\u202Eb.csv"})
    void otherInvalidNames_areRefused_butNotScored(String filename) {
        assertThatThrownBy(() -> FormFileName.resolve(INBOX, filename)).isInstanceOfSatisfying(GatewayException.class,
                e -> {
                    assertThat(e.reason()).isEqualTo(GatewayException.Reason.INVALID_PATH);
                    assertThat(PathEscape.in(e)).as(filename).isFalse();
                });
    }
}
