package io.vaultgate.server.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.https.tls.ServerTls;
import io.vaultgate.server.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate doctor} reports {@code access.admin-sources} opened beyond the gateway's host while administrators
 * need no TOTP code ({@code admin-sources}), naming any network that admits every address; loopback only (the
 * default), or an admin network with {@code access.mfa.required-for: admin}, is no finding (review33 M1, slice 2).
 */
class AdminNetworksTest {

    @TempDir
    Path home;
    private Database database;

    @BeforeEach
    void catalog() {
        database = Database.sqlite(home.resolve("catalog.db"));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void loopbackOnly_isNoFinding() throws Exception {
        assertThat(findings(Map.of())).isEmpty();
        assertThat(findings(Map.of("access.admin-sources", "127.0.0.1/32, ::1"))).isEmpty();
    }

    @Test
    void anAdminNetworkWithoutMfa_isAFinding_andMfaForAdminsClearsIt() throws Exception {
        Map<String, String> network = Map.of("access.admin-sources", "127.0.0.0/8, ::1, 10.20.0.0/24");

        assertThat(findings(network)).singleElement().satisfies(finding -> {
            assertThat(finding.check()).isEqualTo("admin-sources");
            assertThat(finding.subject()).isEqualTo("access.admin-sources 127.0.0.0/8, 0:0:0:0:0:0:0:1/128, "
                    + "10.20.0.0/24");
            assertThat(finding.problem()).contains("accepted from beyond the gateway's host");
            assertThat(finding.fix()).contains("access.mfa.required-for: admin", "vaultgate mfa enroll --admin");
        });
        assertThat(findings(with(network, "access.mfa.required-for", "operator, admin"))).isEmpty();
        assertThat(findings(with(network, "access.mfa.required-for", "operator"))).hasSize(1);
    }

    @Test
    void anyAddressWithoutMfa_isNamed_andMfaForAdminsClearsIt() throws Exception {
        for (String any : List.of("0.0.0.0/0", "0.0.0.0/0, ::/0", "127.0.0.0/8, ::/0")) {
            Map<String, String> open = Map.of("access.admin-sources", any);
            assertThat(findings(open)).as(any).singleElement().satisfies(finding -> assertThat(finding.problem())
                    .contains("an administrator's token alone is accepted from any address").contains("/0)"));
            assertThat(findings(with(open, "access.mfa.required-for", "admin"))).as(any).isEmpty();
        }
    }

    @Test
    void theDoctorRunsTheCheck() {
        assertThat(Doctor.examine(context(Map.of("access.admin-sources", "0.0.0.0/0"))))
                .anySatisfy(finding -> assertThat(finding.check()).isEqualTo("admin-sources"));
        assertThat(Doctor.examine(context(Map.of()))).noneSatisfy(finding -> assertThat(finding.check())
                .isEqualTo("admin-sources"));
    }

    private List<Finding> findings(Map<String, String> overrides) throws Exception {
        return new AdminNetworks().run(context(overrides));
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> all = new HashMap<>(base);
        all.put(key, value);
        return all;
    }

    private DoctorContext context(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(overrides);
        all.put("home", home.toString());
        return new DoctorContext(ConfigLoader.load(Optional.empty(), Map.of(), all), database, Clock.systemUTC(),
                path -> new DiskSpace.Usage("fs0", 50, 100), 10, List.of(), ServerTls.PROTOCOLS,
                ServerTls.CIPHER_SUITES);
    }
}
