package io.vaultgate.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaultgateConfigTest {
    private final VaultgateConfig defaults = ConfigFixtures.withHome(VaultgateConfig.defaults(), Path.of("/srv/vg"));

    @Test
    void masterSecretEnv_winsOverTheFile_whenSetAndNotEmpty() {
        assertThat(defaults.masterSecretSource(Map.of("VAULTGATE_MASTER_SECRET", "x")))
                .isEqualTo(new MasterSecretSource.Environment("VAULTGATE_MASTER_SECRET"));
        assertThat(defaults.masterSecretSource(Map.of("VAULTGATE_MASTER_SECRET", "")))
                .isEqualTo(new MasterSecretSource.File(Path.of("/srv/vg/secrets/master.key")));
        assertThat(defaults.masterSecretSource(Map.of()))
                .isEqualTo(new MasterSecretSource.File(Path.of("/srv/vg/secrets/master.key")));
    }

    @Test
    void emptyMasterSecretEnv_neverLooksInTheEnvironment() {
        KeysConfig keys = new KeysConfig(KeyProviderType.KEYSTORE, Path.of("k.p12"), Path.of("/run/m"), "");
        VaultgateConfig config = new VaultgateConfig(Path.of("/srv/vg"), defaults.sftp(), defaults.https(), keys,
                defaults.catalog(), defaults.storage(), defaults.uploads(), defaults.shutdown(), defaults.logging());

        assertThat(config.masterSecretSource(Map.of("VAULTGATE_MASTER_SECRET", "x")).describe())
                .isEqualTo("file /run/m");
    }

    @Test
    void describe_isOneLineNamingWhatRunsWhere_andNeverASecretValue() {
        String line = defaults.describe();

        assertThat(line).doesNotContain("\n").contains("home=/srv/vg", "sftp=0.0.0.0:2222", "https=0.0.0.0:8443",
                "/srv/vg/keys/kek.p12", "$VAULTGATE_MASTER_SECRET or /srv/vg/secrets/master.key",
                "catalog=sqlite /srv/vg/catalog.db", "partial-expiry 24h", "logging=text INFO");
    }

    @Test
    void describe_showsDisabledFrontEndsAndFreePorts() {
        VaultgateConfig config = new VaultgateConfig(Path.of("/srv/vg"),
                new SftpConfig(false, "0.0.0.0", 2222, 6, Duration.ofSeconds(30), Duration.ofMinutes(10)),
                new HttpsConfig(true, "::1", 0, DataSize.ofGibibytes(1)), defaults.keys(), defaults.catalog(),
                defaults.storage(), defaults.uploads(), defaults.shutdown(), defaults.logging());

        assertThat(config.describe()).contains("sftp=off", "https=[::1]:(any free port)");
    }

    @Test
    void homeIsMadeAbsoluteAndNormalized() {
        assertThat(ConfigFixtures.withHome(defaults, Path.of("a/../b")).home())
                .isEqualTo(Path.of("b").toAbsolutePath());
    }

    @Test
    void portZero_mayBeSharedBecauseEachPicksItsOwnFreePort() {
        SftpConfig sftp = new SftpConfig(true, "0.0.0.0", 0, 6, Duration.ofSeconds(30), Duration.ofMinutes(10));
        HttpsConfig https = new HttpsConfig(true, "0.0.0.0", 0, DataSize.ofGibibytes(1));

        assertThat(new VaultgateConfig(Path.of("/x"), sftp, https, defaults.keys(), defaults.catalog(),
                defaults.storage(), defaults.uploads(), defaults.shutdown(), defaults.logging()).sftp().port())
                .isZero();
    }

    @Test
    void reorderWindow_inSegments_roundsUp() {
        assertThat(UploadsConfig.defaults().reorderWindowSegments(64 * 1024)).isEqualTo(64);
        assertThat(new UploadsConfig(Duration.ofHours(1), DataSize.ofBytes(1_000_000), DataSize.ofMebibytes(64))
                .reorderWindowSegments(65536)).isEqualTo(16);
    }

    @Test
    void recordBuiltInCode_isValidatedLikeALoadedOne() {
        assertThatThrownBy(() -> new SftpConfig(true, "0.0.0.0", 2222, 6, null, Duration.ofMinutes(1)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("sftp.auth-timeout: no value; give a value, or remove the key to use the default");
        assertThatThrownBy(() -> new ShutdownConfig(Duration.ofHours(2)))
                .hasMessage("shutdown.grace-period: expected a duration between 0s and 1h, got 2h; fix the value");
    }
}
