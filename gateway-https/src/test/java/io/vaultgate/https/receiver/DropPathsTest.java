package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DropPathsTest {

    private static final Path DROP = Path.of("/srv/drop");

    @ParameterizedTest
    @ValueSource(strings = {"/inbox/a.csv", "/inbox/deep/er/März 2026.csv", "/inbox/.hidden", "/inbox/a..b"})
    void ordinaryPaths_landUnderTheTenant(String path) throws ReceiverProblem {
        Path target = DropPaths.resolve(DROP, "acme", path);
        assertThat(target.startsWith(DROP.resolve("acme"))).isTrue();
        assertThat(target.toString()).endsWith(path.substring(path.lastIndexOf('/') + 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"inbox/a", "/", "/inbox/../../x", "/inbox/./a", "/inbox//a", "/inbox/a/", "/inbox/a\\b",
            "/inbox/a\u0000b", "/inbox/a\nb", "/..", "/inbox/a\u007f"})
    void unsafePaths_areRefused(String path) {
        assertThatThrownBy(() -> DropPaths.resolve(DROP, "acme", path)).isInstanceOf(ReceiverProblem.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".vaultgate", "ACME", "a/b", ""})
    void invalidTenants_areRefused(String tenant) {
        assertThatThrownBy(() -> DropPaths.resolve(DROP, tenant, "/inbox/a")).isInstanceOf(ReceiverProblem.class);
    }

    @org.junit.jupiter.api.Test
    void overlongNames_areRefused() {
        assertThatThrownBy(() -> DropPaths.resolve(DROP, "acme", "/inbox/" + "x".repeat(256)))
                .isInstanceOf(ReceiverProblem.class);
    }
}
