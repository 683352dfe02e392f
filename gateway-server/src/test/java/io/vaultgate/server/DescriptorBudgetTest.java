package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up warns when the listeners' connection caps do not fit in the process's file descriptors. */
class DescriptorBudgetTest {

    @TempDir
    Path home;

    private VaultgateConfig config(Map<String, String> overrides) {
        Map<String, String> withHome = new HashMap<>(overrides);
        withHome.put("home", home.toString());
        return ConfigLoader.load(Optional.empty(), Map.of(), withHome);
    }

    @Test
    void theDefaultCaps_overAShellsThousandDescriptors_areWarnedAbout_withTheLimitToSet() {
        assertThat(DescriptorBudget.warning(config(Map.of()), 1024)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("may open 1024 files", "sftp.max-connections", "https.max-connections",
                        "ops.max-connections", "hold 2100", "LimitNOFILE", "at least 2356"));
    }

    @Test
    void theOpsListenersCap_countsWhileItIsEnabled() {
        Map<String, String> httpsOnly = Map.of("sftp.enabled", "false", "https.max-connections", "700");
        assertThat(DescriptorBudget.warning(config(httpsOnly), 1024)).as("700 + 100 + 256 > 1024")
                .hasValueSatisfying(warning -> assertThat(warning).contains("hold 800", "at least 1056"));
        Map<String, String> withoutOps = new HashMap<>(httpsOnly);
        withoutOps.put("ops.enabled", "false");
        assertThat(DescriptorBudget.warning(config(withoutOps), 1024)).isEmpty();
    }

    @Test
    void capsThatFit_orAnUnknownLimit_areNotWarnedAbout() {
        assertThat(DescriptorBudget.warning(config(Map.of()), 524_288)).isEmpty();
        assertThat(DescriptorBudget.warning(config(Map.of()), -1)).isEmpty();
        assertThat(DescriptorBudget.warning(config(Map.of("sftp.enabled", "false", "https.max-connections", "600")),
                1024)).as("only the enabled listeners count: 600 + ops' 100 + 256").isEmpty();
    }
}
