package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PKCS#11 user PIN: from the variable, else an owner-only file; errors name the place, never the PIN. */
class Pkcs11PinTest {
    @TempDir
    Path home;

    private VaultgateConfig config() {
        return ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString()));
    }

    private Path pinFile(String content, String mode) throws Exception {
        Path file = home.resolve("secrets/pkcs11.pin");
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void variable_winsOverTheFile() throws Exception {
        pinFile("from-file\n", "rw-------");

        assertThat(Pkcs11Pin.read(config(), Map.of("VAULTGATE_PKCS11_PIN", "from-env"))).containsExactly(
                "from-env".toCharArray());
        assertThat(Pkcs11Pin.read(config(), Map.of("VAULTGATE_PKCS11_PIN", ""))).containsExactly(
                "from-file".toCharArray());
    }

    @Test
    void fileReadableByOthers_isRefused_withoutShowingThePin() throws Exception {
        Path file = pinFile("s3cret-pin\n", "rw-r--r--");

        assertThatThrownBy(() -> Pkcs11Pin.read(config(), Map.of())).isInstanceOf(StartupException.class)
                .hasMessageStartingWith("keys.pkcs11.pin-file " + file + ": group or others may read or write it "
                        + "(rw-r--r--); run chmod 600 on it").message().doesNotContain("s3cret-pin");
    }

    @Test
    void noVariableAndNoFile_namesBoth() {
        assertThatThrownBy(() -> Pkcs11Pin.read(config(), Map.of())).isInstanceOf(StartupException.class)
                .hasMessageContaining("keys.pkcs11.pin-file " + home.resolve("secrets/pkcs11.pin")
                        + ": no PIN for the PKCS#11 token: the file does not exist and $VAULTGATE_PKCS11_PIN is not"
                        + " set");
    }

    @Test
    void emptyFile_isRefused() throws Exception {
        pinFile("\n", "rw-------");

        assertThatThrownBy(() -> Pkcs11Pin.read(config(), Map.of())).hasMessageContaining("the file is empty");
    }
}
