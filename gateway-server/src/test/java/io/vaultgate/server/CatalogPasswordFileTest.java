package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** {@code catalog.password-file} is refused, before any connection, when others than its owner may use it. */
class CatalogPasswordFileTest {

    @TempDir
    Path home;

    @ParameterizedTest
    @ValueSource(strings = {"rw-r--r--", "rw-rw----", "rw-----w-"})
    void aPasswordFileGroupOrOthersMayAccess_stopsStartUp_namingTheFileAndTheFix(String mode) throws Exception {
        Path file = home.resolve("catalog.password");
        Files.writeString(file, "hunter2\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString(),
                "catalog.type", "postgresql", "catalog.url", "jdbc:postgresql://127.0.0.1:1/vaultgate",
                "catalog.password-file", file.toString()));

        StartupException e = catchThrowableOfType(StartupException.class, () -> CatalogDatabase.open(config, Map.of()));

        assertThat(e).isNotNull();
        assertThat(e).hasMessageStartingWith("catalog.password-file " + file + ": group or others may read or write it")
                .hasMessageContaining(mode).hasMessageContaining("chmod 600").hasMessageNotContaining("hunter2");
    }
}
