package io.vaultgate.server.config;

import static io.vaultgate.server.config.ConfigFixtures.loadYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vaultgate.core.auth.AdminSources;
import io.vaultgate.core.tenant.Cidr;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code access.admin-sources}: loopback unless configured, from the file or the environment, and a bad entry or no
 * network at all is refused at load, naming the key and the entry.
 */
class AdminSourcesConfigTest {

    @TempDir
    Path dir;

    @Test
    void byDefault_administratorsTokensAreAcceptedFromTheHostOnly() {
        assertThat(loadYaml(dir, "{}\n").access().policy().adminSources()).isEqualTo(AdminSources.LOOPBACK);
    }

    @Test
    void anAdminNetwork_isReadFromTheFile_andFromTheEnvironment() {
        assertThat(loadYaml(dir, "access:\n  admin-sources: 127.0.0.0/8, ::1, 10.20.0.0/24\n").access().policy()
                .adminSources().networks()).containsExactly(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"),
                Cidr.parse("10.20.0.0/24"));
        VaultgateConfig fromEnv = ConfigLoader.load(Optional.empty(),
                Map.of("VAULTGATE_ACCESS_ADMIN_SOURCES", "192.0.2.0/24"), Map.of("home", dir.toString()));
        assertThat(fromEnv.access().policy().adminSources().networks()).containsExactly(Cidr.parse("192.0.2.0/24"));
    }

    @Test
    void aBadEntry_isRefusedAtLoad_namingIt() {
        assertThat(error("access:\n  admin-sources: 127.0.0.1, admins.example\n"))
                .hasMessageStartingWith("access.admin-sources: not an IP address: \"admins.example\"");
        assertThat(error("access:\n  admin-sources: 10.0.0.0/40\n"))
                .hasMessageStartingWith("access.admin-sources: prefix length must be 0-32, got 40");
    }

    @Test
    void noNetworkAtAll_isRefused_sayingHowToAdmitAnyAddress() {
        assertThat(error("access:\n  admin-sources: \" , \"\n")).hasMessageStartingWith("access.admin-sources: ")
                .hasMessageContaining("0.0.0.0/0, ::/0");
    }

    private ConfigException error(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> loadYaml(dir, yaml));
    }
}
