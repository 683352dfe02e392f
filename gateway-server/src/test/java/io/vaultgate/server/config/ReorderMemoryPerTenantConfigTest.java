package io.vaultgate.server.config;

import static io.vaultgate.server.config.ConfigFixtures.loadYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uploads.reorder-memory-per-tenant} (review33 L3): a quarter of {@code uploads.reorder-memory} unless set,
 * following it when it changes; a percentage or a size; refused at load above the whole or below one segment; named in
 * the start-up line.
 */
class ReorderMemoryPerTenantConfigTest {
    @TempDir
    Path dir;

    @Test
    void byDefault_aTenantMayHoldAQuarter_ofWhateverTheReorderMemoryIs() {
        assertThat(UploadsConfig.defaults().reorderMemoryPerTenantBytes()).isEqualTo(16L << 20);
        UploadsConfig eight = loadYaml(dir, "uploads:\n  reorder-memory: 8MiB\n").uploads();
        assertThat(eight.reorderMemoryPerTenant()).hasToString("25%");
        assertThat(eight.reorderMemoryPerTenantBytes()).isEqualTo(2L << 20);
    }

    @Test
    void aPercentageOrASize_isAccepted_fromTheFileOrTheEnvironment() {
        assertThat(loadYaml(dir, "uploads:\n  reorder-memory-per-tenant: 50%\n").uploads()
                .reorderMemoryPerTenantBytes()).isEqualTo(32L << 20);
        VaultgateConfig fromEnv = ConfigLoader.load(Optional.empty(),
                Map.of("VAULTGATE_UPLOADS_REORDER_MEMORY_PER_TENANT", "3MiB"), Map.of("home", dir.toString()));
        assertThat(fromEnv.uploads().reorderMemoryPerTenantBytes()).isEqualTo(3L << 20);
        assertThat(ConfigLoader.toYaml(fromEnv)).contains("reorder-memory-per-tenant: 3MiB");
    }

    @Test
    void theStartUpLine_namesEachTenantsShare() {
        assertThat(loadYaml(dir, "uploads:\n  reorder-memory: 8MiB\n").describe())
                .contains("reorder-memory 8MiB (25% = 2MiB per tenant)");
        assertThat(loadYaml(dir, "uploads:\n  reorder-memory-per-tenant: 3MiB\n").describe())
                .contains("reorder-memory 64MiB (3MiB per tenant)");
    }

    @Test
    void moreThanTheWhole_orLessThanOneSegment_isRefusedNamingTheKey() {
        ConfigException above = fromYaml("uploads:\n  reorder-memory: 8MiB\n  reorder-memory-per-tenant: 9MiB\n");
        assertThat(above.key()).isEqualTo("uploads.reorder-memory-per-tenant");
        assertThat(above).hasMessageContaining("not between one segment (64KiB) and uploads.reorder-memory (8MiB)");

        ConfigException below = fromYaml("uploads:\n  reorder-memory: 4MiB\n  reorder-memory-per-tenant: 1%\n");
        assertThat(below.key()).isEqualTo("uploads.reorder-memory-per-tenant");
        assertThat(below).hasMessageContaining("1% of uploads.reorder-memory (4MiB) is");

        ConfigException notAShare = fromYaml("uploads:\n  reorder-memory-per-tenant: 150%\n");
        assertThat(notAShare.key()).isEqualTo("uploads.reorder-memory-per-tenant");
        assertThat(notAShare).hasMessageContaining("not a percentage from 1 to 100");
    }

    private ConfigException fromYaml(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> loadYaml(dir, yaml));
    }
}
