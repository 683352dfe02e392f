package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile names sent as raw SFTP requests (which OpenSSH's client would not send): none escapes. */
class MinaPathIT {

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();
    static MinaSftp alice;

    @BeforeAll
    static void start() throws Exception {
        alice = gateway.mina(TestSftpGateway.ALICE);
    }

    @AfterEach
    void serverAndSessionStayUp() throws Exception {
        assertThat(gateway.isRunning()).isTrue();
        assertThat(alice.sftp().stat("/inbox").isDirectory()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/inbox/a\u0000b", "/inbox/../../etc/passwd", "/..", "//..//..//etc", "\\..\\..\\etc",
            "/inbox/..\\..\\x", "/inbox/\u0007bell", "/inbox/trailing.", "/inbox/trailing ", "/inbox/ "})
    void hostileName_isRefusedForWrite(String name) {
        assertThatThrownBy(() -> write(name, "x")).isInstanceOf(SftpException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../../etc/passwd", "/etc/passwd", "/inbox/../../../etc/shadow", "/proc/self/environ",
            "..", "/%2e%2e/%2e%2e/etc/passwd"})
    void hostileName_isRefusedForRead(String name) {
        assertThatThrownBy(() -> alice.sftp().read(name).readAllBytes()).isInstanceOf(SftpException.class);
    }

    @Test
    void fiveThousandCharacterName_isRefused() {
        assertThatThrownBy(() -> write("/inbox/" + "n".repeat(5000), "x")).isInstanceOf(SftpException.class);
    }

    @Test
    void realpath_neverLeavesTheRoot() throws Exception {
        assertThat(alice.sftp().canonicalPath("/inbox/..")).isEqualTo("/");
        assertThat(alice.sftp().canonicalPath(".")).isEqualTo("/");
        assertThat(alice.sftp().canonicalPath("/inbox/./x/../")).isEqualTo("/inbox");
        assertThatThrownBy(() -> alice.sftp().canonicalPath("/..")).isInstanceOf(SftpException.class);
    }

    @Test
    void nfdName_isTheSameFileAsItsNfcForm() throws Exception {
        String nfc = Normalizer.normalize("/inbox/caf\u00e9.txt", Normalizer.Form.NFC);
        String nfd = Normalizer.normalize(nfc, Normalizer.Form.NFD);
        assertThat(nfd).isNotEqualTo(nfc);
        write(nfd, "accented");
        assertThat(new String(alice.sftp().read(nfc).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("accented");
        List<String> names = new ArrayList<>();
        alice.sftp().readDir("/inbox").forEach(e -> names.add(e.getFilename()));
        assertThat(names).contains("caf\u00e9.txt").doesNotContain(Normalizer.normalize("caf\u00e9.txt",
                Normalizer.Form.NFD));
    }

    @Test
    void errorMessages_carryNoInternalDetail() {
        assertThatThrownBy(() -> alice.sftp().stat("/inbox/missing.bin"))
                .isInstanceOf(SftpException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain(gateway.directory().toString()));
        assertThatThrownBy(() -> write("/outbox/x", "x"))
                .satisfies(e -> assertThat(e.getMessage()).contains("permission denied")
                        .doesNotContain("Exception").doesNotContain("acc_"));
    }

    private static void write(String path, String content) throws Exception {
        try (OutputStream out = alice.sftp().write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }
}
