package io.vaultgate.server.config;

import static io.vaultgate.server.config.ConfigFixtures.loadYaml;
import static io.vaultgate.server.config.ConfigFixtures.withHome;
import static io.vaultgate.server.config.ConfigFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void nothingGiven_yieldsTheDefaults() {
        assumeThat(Path.of("var", ConfigLoader.FILE_NAME)).doesNotExist();

        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());

        assertThat(config).isEqualTo(VaultgateConfig.defaults());
        assertThat(config.home()).isEqualTo(Path.of("var").toAbsolutePath());
    }

    @Test
    void fileSettingSomeKeys_keepsTheDefaultsOfTheOthers() {
        VaultgateConfig config = loadYaml(dir, "sftp:\n  port: 2022\n");

        assertThat(config.sftp().port()).isEqualTo(2022);
        assertThat(config.sftp().idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.https()).isEqualTo(HttpsConfig.defaults());
    }

    @Test
    void emptyFileAndEmptySection_keepTheDefaults() {
        assertThat(loadYaml(dir, "")).isEqualTo(VaultgateConfig.defaults());
        assertThat(loadYaml(dir, "sftp:\nhttps: {}\n")).isEqualTo(VaultgateConfig.defaults());
    }

    @Test
    void fullCustomFile_bindsEveryTypedValue() {
        VaultgateConfig config = ConfigFixtures.loadFile(Path.of("src/test/resources/config/custom.yaml"));

        assertThat(config.home()).isEqualTo(Path.of("/srv/vaultgate"));
        assertThat(config.sftp()).isEqualTo(new SftpConfig(false, "127.0.0.1", 0, 3, Duration.ofMillis(1500),
                Duration.ofHours(2)));
        assertThat(config.https()).isEqualTo(new HttpsConfig(true, "::1", 9443, DataSize.ofMebibytes(512)));
        assertThat(config.keys().masterSecretEnv()).isEmpty();
        assertThat(config.uploads().reorderWindow()).isEqualTo(DataSize.ofBytes(1_000_000));
        assertThat(config.uploads().partialExpiry()).isEqualTo(Duration.ofDays(2));
        assertThat(config.shutdown().gracePeriod()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.logging()).isEqualTo(new LoggingConfig(LogFormat.JSON, LogLevel.DEBUG));
    }

    @Test
    void envVariable_winsOverTheFile() {
        Path file = write(dir, "v.yaml", "sftp:\n  port: 2022\n  max-auth-attempts: 3\n");

        VaultgateConfig config = ConfigLoader.load(Optional.of(file),
                Map.of("VAULTGATE_SFTP_PORT", "2023", "VAULTGATE_SFTP_MAX_AUTH_ATTEMPTS", "4",
                        "VAULTGATE_HTTPS_BIND", "127.0.0.1", "VAULTGATE_HTTPS_ENABLED", "false"),
                Map.of());

        assertThat(config.sftp().port()).isEqualTo(2023);
        assertThat(config.sftp().maxAuthAttempts()).isEqualTo(4);
        assertThat(config.https().bind()).isEqualTo("127.0.0.1");
        assertThat(config.https().enabled()).isFalse();
    }

    @Test
    void emptyOrUnrelatedEnvVariables_areIgnored() {
        VaultgateConfig config = loadWith(Map.of("VAULTGATE_SFTP_PORT", "", "VAULTGATE_MASTER_SECRET", "s3cret",
                "VAULTGATE_NOT_A_KEY", "x", "HOME", "/root"), Map.of());

        assertThat(config).isEqualTo(withHome(VaultgateConfig.defaults(), dir));
    }

    @Test
    void commandLineOverride_winsOverEnvAndFile() {
        Path file = write(dir, "v.yaml", "sftp:\n  port: 2022\n");

        VaultgateConfig config = ConfigLoader.load(Optional.of(file), Map.of("VAULTGATE_SFTP_PORT", "2023"),
                Map.of("sftp.port", "2024", "uploads.partial-expiry", "3h"));

        assertThat(config.sftp().port()).isEqualTo(2024);
        assertThat(config.uploads().partialExpiry()).isEqualTo(Duration.ofHours(3));
    }

    @Test
    void relativePaths_resolveAgainstHome_absolutePathsStay() {
        VaultgateConfig config = loadWith(Map.of(), Map.of("storage.path", "/data/objects"));

        assertThat(config.home()).isEqualTo(dir);
        assertThat(config.keystoreFile()).isEqualTo(dir.resolve("keys/kek.p12"));
        assertThat(config.masterSecretFile()).isEqualTo(dir.resolve("secrets/master.key"));
        assertThat(config.catalogFile()).isEqualTo(dir.resolve("catalog.db"));
        assertThat(config.storageRoot()).isEqualTo(Path.of("/data/objects"));
        assertThat(config.resolve(Path.of("x/../y"))).isEqualTo(dir.resolve("y"));
    }

    @Test
    void homeFromEnv_isWhereTheImplicitFileIsRead() {
        write(dir, ConfigLoader.FILE_NAME, "sftp:\n  port: 2022\n");

        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of("VAULTGATE_HOME", dir.toString()),
                Map.of());

        assertThat(config.home()).isEqualTo(dir);
        assertThat(config.sftp().port()).isEqualTo(2022);
    }

    @Test
    void homeOverride_winsOverHomeEnv_forTheImplicitFileToo() {
        Path other = dir.resolve("other");
        write(dir, "other/" + ConfigLoader.FILE_NAME, "sftp:\n  port: 2030\n");

        VaultgateConfig config = ConfigLoader.load(Optional.empty(),
                Map.of("VAULTGATE_HOME", dir.toString()), Map.of("home", other.toString()));

        assertThat(config.home()).isEqualTo(other);
        assertThat(config.sftp().port()).isEqualTo(2030);
    }

    @Test
    void configEnvVariable_namesTheFile_whenNoConfigOptionIsGiven() {
        Path file = write(dir, "elsewhere.yaml", "https:\n  port: 9443\n");

        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of("VAULTGATE_CONFIG", file.toString()),
                Map.of());

        assertThat(config.https().port()).isEqualTo(9443);
    }

    @Test
    void quotedNumbersAndBooleans_areAccepted() {
        VaultgateConfig config = loadYaml(dir, "sftp:\n  port: \"2022\"\n  enabled: \"false\"\n");

        assertThat(config.sftp().port()).isEqualTo(2022);
        assertThat(config.sftp().enabled()).isFalse();
    }

    @Test
    void enumValues_areCaseInsensitive() {
        VaultgateConfig config = loadYaml(dir, "logging:\n  format: JSON\n  level: warn\n");

        assertThat(config.logging()).isEqualTo(new LoggingConfig(LogFormat.JSON, LogLevel.WARN));
    }

    @Test
    void effectiveConfigAsYaml_loadsBackToTheSameConfig() throws Exception {
        VaultgateConfig config = loadWith(Map.of(), Map.of("sftp.auth-timeout", "1500ms", "https.port", "0"));
        Path file = Files.writeString(dir.resolve("shown.yaml"), ConfigLoader.toYaml(config));

        assertThat(ConfigFixtures.loadFile(file)).isEqualTo(config);
        assertThat(Files.readString(file)).contains("auth-timeout: 1500ms", "max-upload-size: 100GiB");
    }

    @Test
    void unusedVaultgateEnvVariables_areReportedByName_forAStartUpWarning() {
        Map<String, String> env = Map.of("VAULTGATE_SFTP_PROT", "2022", "VAULTGATE_SFTP_PORT", "2022",
                "VAULTGATE_MASTER_SECRET", "s3cret", "VAULTGATE_CONFIG", "/x", "VAULTGATE_HTTPS_PORTT", "1",
                "PATH", "/bin");

        assertThat(ConfigLoader.unusedEnvironment(env, VaultgateConfig.defaults()))
                .containsExactly("VAULTGATE_HTTPS_PORTT", "VAULTGATE_SFTP_PROT");
    }

    private VaultgateConfig loadWith(Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> withHome = new java.util.HashMap<>(overrides);
        withHome.putIfAbsent("home", dir.toString());
        return ConfigLoader.load(Optional.empty(), env, withHome);
    }
}
