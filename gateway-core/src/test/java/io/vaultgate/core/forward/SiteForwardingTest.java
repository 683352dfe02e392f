package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SiteForwardingTest {

    @TempDir
    Path home;
    private ForwardFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ForwardFixture(home, RetryPolicy.defaults());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void configuration_roundTripsThroughTheCatalog_withoutThePrivateKey() {
        fixture.configure(URI.create("https://drop.manila.example:9443/base/"));

        SiteForwarding site = fixture.admin.site(ForwardFixture.SITE).orElseThrow();
        assertThat(site.endpoint()).hasToString("https://drop.manila.example:9443/base/");
        assertThat(site.trustAnchors()).containsExactly(fixture.siteCa.certificate());
        assertThat(site.clientChain()).isEqualTo(fixture.clientCertificate.chain());
        assertThat(site.clientKeyFile()).isEqualTo(fixture.clientKey);
        assertThat(site.fileUri("f_1")).hasToString("https://drop.manila.example:9443/base/files/f_1");
        String stored = fixture.database.read(jdbc -> jdbc.queryOne("SELECT trust_anchors || client_chain || "
                + "client_key_file FROM site_forwarding", row -> row.getString(1))).orElseThrow();
        assertThat(stored).contains("BEGIN CERTIFICATE").doesNotContain("PRIVATE KEY");
    }

    @Test
    void reconfiguring_replacesTheSettings() {
        fixture.configure(URI.create("https://a.example"));
        fixture.configure(URI.create("https://b.example"), fixture.siteCa.certificate(), 9);
        assertThat(fixture.admin.sites()).singleElement().satisfies(site -> {
            assertThat(site.endpoint()).hasToString("https://b.example");
            assertThat(site.maxConcurrency()).isEqualTo(9);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://drop.example", "ftp://drop.example", "https://user@drop.example",
            "https://drop.example/?q=1", "https://drop.example/#x", "https:///nohost"})
    void onlyPlainHttpsEndpoints_areAccepted(String endpoint) {
        assertThatThrownBy(() -> site(URI.create(endpoint), fixture.clientKey, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpoint");
    }

    @Test
    void relativeKeyPaths_andOutOfRangeConcurrency_areRefused() {
        assertThatThrownBy(() -> site(URI.create("https://a.example"), Path.of("key.pem"), 4))
                .hasMessageContaining("give an absolute path");
        assertThatThrownBy(() -> site(URI.create("https://a.example"), fixture.clientKey, 0))
                .hasMessageContaining("max concurrency");
    }

    @Test
    void unknownSite_orUnreadableKey_isRefused() {
        assertThatThrownBy(() -> fixture.admin.configureSite(new SiteForwarding("nowhere", URI.create("https://a.example"),
                List.of(fixture.siteCa.certificate()), fixture.clientCertificate.chain(), fixture.clientKey,
                Optional.empty(), 4, true))).isInstanceOf(GatewayException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> fixture.admin.configureSite(site(URI.create("https://a.example"),
                home.resolve("missing.key"), 4))).isInstanceOf(GatewayException.class).hasMessageContaining("not readable");
    }

    /** The directories made for a site's client key are their owner's only, not the umask's (0755 usually). */
    @Test
    void directoriesMadeForAClientKey_areTheOwnersOnly() throws Exception {
        Path key = home.resolve("elsewhere").resolve("keys").resolve("forward-manila.key");

        fixture.admin.issueClientCertificate(ForwardFixture.SITE, fixture.gatewayCa, key, Duration.ofDays(1));

        for (Path dir : List.of(home.resolve("elsewhere"), key.getParent())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).as("%s", dir)
                    .isEqualTo("rwx------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    private SiteForwarding site(URI endpoint, Path key, int concurrency) {
        return new SiteForwarding(ForwardFixture.SITE, endpoint, List.of(fixture.siteCa.certificate()),
                fixture.clientCertificate.chain(), key, Optional.empty(), concurrency, true);
    }
}
