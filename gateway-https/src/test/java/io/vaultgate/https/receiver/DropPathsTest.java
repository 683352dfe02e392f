package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.PathPolicy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DropPathsTest {

    private static final Path DROP = Path.of("/srv/drop");

    @ParameterizedTest
    @ValueSource(strings = {"/inbox/a.csv", "/inbox/deep/er/März 2026.csv", "/inbox/.hidden", "/inbox/a..b"})
    void ordinaryPaths_landUnderTheTenantsAccount(String path) throws ReceiverProblem {
        Path target = DropPaths.resolve(DROP, "acme", "acme-upload", path);
        assertThat(target.startsWith(DROP.resolve("acme").resolve("acme-upload"))).isTrue();
        assertThat(target.toString()).endsWith(path.substring(path.lastIndexOf('/') + 1));
    }

    @Test
    void twoAccountsOfATenant_sendingOnePath_getTwoPlaces() throws ReceiverProblem {
        assertThat(DropPaths.resolve(DROP, "acme", "acme-payroll", "/inbox/a.csv"))
                .isEqualTo(Path.of("/srv/drop/acme/acme-payroll/inbox/a.csv"))
                .isNotEqualTo(DropPaths.resolve(DROP, "acme", "acme-hr", "/inbox/a.csv"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"inbox/a", "/", "/inbox/../../x", "/inbox/./a", "/inbox//a", "/inbox/a/", "/inbox/a\\b",
            "/inbox/a\u0000b", "/inbox/a\nb", "/..", "/inbox/a\u007f"})
    void unsafePaths_areRefused(String path) {
        assertThatThrownBy(() -> DropPaths.resolve(DROP, "acme", "acme-upload", path))
                .isInstanceOf(ReceiverProblem.class);
    }

    /** U+202E shows "invoice_\u202Efdp.exe" as "invoice_exe.pdf"; U+0085 is a C1 control (NEL). */
    @ParameterizedTest
    @ValueSource(strings = {"/inbox/invoice_\u202Efdp.exe", "/inbox/a\u0085b", "/inbox/a\u009Bb", "/inbox/a\u2028b",
            "/inbox/a\u2029b", "/inbox/a\u200Fb", "/inbox/a\u2066b", "/inbox/a\u061Cb"})
    void namesTheGatewayRefusesAsDisplaySpoofing_areRefusedHereToo(String path) {
        assertThatThrownBy(() -> PathPolicy.parse(path)).as("the gateway's rule").isInstanceOf(GatewayException.class);
        assertThatThrownBy(() -> DropPaths.resolve(DROP, "acme", "acme-upload", path))
                .isInstanceOfSatisfying(ReceiverProblem.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpResponseStatus.UNPROCESSABLE_ENTITY);
                    assertThat(e.getMessage()).startsWith("Vaultgate-Path: ").contains("not allowed in paths");
                });
    }

    /** Names some file systems and tools shorten ("a." and "a " become "a" on SMB shares and Windows). */
    @ParameterizedTest
    @ValueSource(strings = {"/inbox/a.", "/inbox/a ", "/inbox/ ", "/inbox/\t", "/inbox/dir./a.csv", "/inbox/... "})
    void namesTheGatewayRefusesAsBlankOrTrailingDotOrSpace_areRefusedHereToo(String path) {
        assertThatThrownBy(() -> PathPolicy.parse(path)).as("the gateway's rule").isInstanceOf(GatewayException.class);
        assertThatThrownBy(() -> DropPaths.resolve(DROP, "acme", "acme-upload", path))
                .isInstanceOfSatisfying(ReceiverProblem.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpResponseStatus.UNPROCESSABLE_ENTITY);
                    assertThat(e.getMessage()).startsWith("Vaultgate-Path: ");
                });
    }

    /** "a\u0308" is "ä" decomposed (NFD): the gateway stores "\u00e4", so it never sends the other spelling. */
    @Test
    void aPathNotInNormalizationFormC_isRefused_soTwoSpellingsOfOneNameCannotBeTwoFiles() throws ReceiverProblem {
        assertThat(DropPaths.resolve(DROP, "acme", "acme-upload", "/inbox/M\u00e4rz.csv"))
                .isEqualTo(Path.of("/srv/drop/acme/acme-upload/inbox/M\u00e4rz.csv"));
        assertThatThrownBy(() -> DropPaths.resolve(DROP, "acme", "acme-upload", "/inbox/Ma\u0308rz.csv"))
                .isInstanceOfSatisfying(ReceiverProblem.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpResponseStatus.UNPROCESSABLE_ENTITY);
                    assertThat(e.getMessage()).contains("normalization form C");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".vaultgate", "ACME", "a/b", ""})
    void invalidTenants_areRefused(String tenant) {
        assertThatThrownBy(() -> DropPaths.resolve(DROP, tenant, "acme-upload", "/inbox/a"))
                .isInstanceOf(ReceiverProblem.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".vaultgate", "Upload", "a/b", "a\\b", "", "x"})
    void invalidAccounts_areRefused(String account) {
        assertThatThrownBy(() -> DropPaths.resolve(DROP, "acme", account, "/inbox/a"))
                .isInstanceOfSatisfying(ReceiverProblem.class,
                        e -> assertThat(e.getMessage()).startsWith("Vaultgate-Account: "));
    }

    @Test
    void overlongNames_areRefused() {
        assertThatThrownBy(() -> DropPaths.resolve(DROP, "acme", "acme-upload", "/inbox/" + "x".repeat(256)))
                .isInstanceOf(ReceiverProblem.class);
    }
}
