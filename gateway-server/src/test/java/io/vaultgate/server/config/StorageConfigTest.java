package io.vaultgate.server.config;

import static io.vaultgate.server.config.ConfigFixtures.loadYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code storage.*}: S3 is chosen by configuration and validated at load; credentials are never configuration. */
class StorageConfigTest {
    @TempDir
    Path dir;

    @Test
    void s3_isLoadedWithItsBucketEndpointAndPartSize() {
        VaultgateConfig config = loadYaml(dir, """
                storage:
                  type: s3
                  s3:
                    endpoint: https://s3.example.internal:9000
                    bucket: vaultgate-objects
                    key-prefix: prod/
                    path-style: true
                    part-size: 16MiB
                    orphan-grace: 2h
                """);

        StorageConfig.S3 s3 = config.storage().s3();
        assertThat(config.storage().type()).isEqualTo(StorageType.S3);
        assertThat(s3.bucket()).isEqualTo("vaultgate-objects");
        assertThat(s3.partSize()).isEqualTo(DataSize.ofMebibytes(16));
        assertThat(s3.orphanGrace()).isEqualTo(Duration.ofHours(2));
        assertThat(s3.credentialsFile()).isEqualTo(Path.of("secrets", "s3-credentials"));
        assertThat(config.describe()).contains("storage=s3 s3://vaultgate-objects/prod/ at "
                + "https://s3.example.internal:9000 region us-east-1 path-style part-size 16MiB");
    }

    @Test
    void s3WithoutBucket_namesTheKeyAndAnExample() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loadYaml(dir, "storage:\n  type: s3\n"));

        assertThat(e.key()).isEqualTo("storage.s3.bucket");
        assertThat(e).hasMessageContaining("no bucket given").hasMessageContaining("vaultgate-objects");
    }

    @Test
    void plainHttpEndpoint_isRefusedUnlessLoopback() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of(), Map.of("storage.type", "s3", "storage.s3.bucket", "b1b", "storage.s3.endpoint",
                        "http://s3.example.net")));

        assertThat(e.key()).isEqualTo("storage.s3.endpoint");
        assertThat(e).hasMessageContaining("use https://");
        assertThat(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("storage.type", "s3", "storage.s3.bucket",
                "b1b", "storage.s3.endpoint", "http://127.0.0.1:9000")).storage().s3().endpoint())
                .isEqualTo("http://127.0.0.1:9000");
    }

    @Test
    void plainHttpEndpoint_toANameThatOnlyLooksLikeLoopback_isRefused() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of(), Map.of("storage.type", "s3", "storage.s3.bucket", "b1b", "storage.s3.endpoint",
                        "http://127.attacker.example:9000")));

        assertThat(e).isNotNull();
        assertThat(e.key()).isEqualTo("storage.s3.endpoint");
    }

    @Test
    void credentialsInTheEndpoint_areRefused() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of(), Map.of("storage.s3.endpoint", "https://AKIA:secret@s3.example.net")));

        assertThat(e.key()).isEqualTo("storage.s3.endpoint");
        assertThat(e).hasMessageContaining("no credentials in the URL");
    }

    @Test
    void partSizeBelowTheS3Minimum_isRefused() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("VAULTGATE_STORAGE_S3_PART_SIZE", "4MiB"), Map.of()));

        assertThat(e.key()).isEqualTo("storage.s3.part-size");
        assertThat(e).hasMessageContaining("between 5MiB and 512MiB");
    }

    @Test
    void badBucketName_isRefused() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of(), Map.of("storage.s3.bucket", "Not_A_Bucket")));

        assertThat(e.key()).isEqualTo("storage.s3.bucket");
    }

    @Test
    void filesystem_remainsTheDefault() {
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());

        assertThat(config.storage().type()).isEqualTo(StorageType.FILESYSTEM);
        assertThat(config.describe()).contains("storage=filesystem ");
    }

    @Test
    void directIo_isOnByDefault_andCanBeTurnedOff() {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of(), Map.of()).storage().directIo()).isTrue();

        VaultgateConfig off = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("storage.direct-io", "false"));

        assertThat(off.storage().directIo()).isFalse();
        assertThat(off.describe()).contains("direct-io off");
    }
}
