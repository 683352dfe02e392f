package io.vaultgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.metrics.TenantLabels;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's operators log in only from the site's networks ({@code vaultgate site set SITE --allow-sources}), by every
 * credential an operator has: SSH key (a login, a key query, a signature that did not verify), API token, the token
 * exchange. Outside them the login is refused as a client outside its tenant's allowlist is: {@link
 * AuthFailure#SOURCE_NOT_ALLOWED} under the operator's name, a wrong key shown alike, audited, counted and scored. An
 * empty list admits any address, as every site had before (review33 M1). On the catalog the run uses (SQLite, or
 * PostgreSQL in the second execution).
 */
class OperatorSourcesTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";
    private static final String FINGERPRINT = "SHA256:XZAbVVMB7KOYy8d1svBVu4ov4OeDXCfS6rqxB5Nnac4";
    private static final String OTHER_KEY = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
    private static final String INSIDE = "198.51.100.7";
    private static final String OUTSIDE = "203.0.113.9";

    @TempDir
    Path home;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TestCore test;
    private String token;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new CoreMetrics(registry, TenantLabels.defaults(), Clock.systemUTC()));
        test.operator("manila", "manila-op", Protocol.SFTP);
        test.core().sites().addOperatorSshKey("manila-op", KEY);
        token = test.core().sites().issueOperatorToken("manila-op", "test");
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void anEmptyList_admitsAnyAddress_asBefore() {
        Authenticator auth = test.core().authenticator();

        assertThat(test.core().sites().site("manila").orElseThrow().allowedSources()).isEmpty();
        assertThat(auth.byPublicKey("manila-op", FINGERPRINT, Protocol.SFTP, OUTSIDE))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(auth.byToken(token, Protocol.HTTPS, OUTSIDE)).isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void fromOutsideTheSitesNetworks_everyOperatorLogin_isRefused_asATenantsAllowlistRefuses() {
        test.core().sites().setAllowedSources("manila", List.of(Cidr.parse("198.51.100.0/24"),
                Cidr.parse("2001:db8:7::/48")));
        Authenticator auth = test.core().authenticator().withoutDefender();
        AuthResult.Failure refused = new AuthResult.Failure("manila-op", AuthFailure.SOURCE_NOT_ALLOWED);

        assertThat(auth.byPublicKey("manila-op", FINGERPRINT, Protocol.SFTP, INSIDE))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(auth.byPublicKey("manila-op", FINGERPRINT, Protocol.SFTP, "2001:db8:7::42"))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(auth.byToken(token, Protocol.HTTPS, INSIDE)).isInstanceOf(AuthResult.Success.class);

        assertThat(auth.byPublicKey("manila-op", FINGERPRINT, Protocol.SFTP, OUTSIDE)).isEqualTo(refused);
        assertThat(auth.queryPublicKey("manila-op", FINGERPRINT, Protocol.SFTP, OUTSIDE)).as("a key query")
                .isEqualTo(refused);
        assertThat(auth.byPublicKey("manila-op", OTHER_KEY, Protocol.SFTP, OUTSIDE))
                .as("a wrong key: audited as one, shown as the site's refusal")
                .isEqualTo(new AuthResult.Failure("manila-op", AuthFailure.BAD_CREDENTIAL,
                        AuthFailure.SOURCE_NOT_ALLOWED));
        assertThat(auth.refusedSignature("manila-op", Protocol.SFTP, OUTSIDE))
                .isEqualTo(new AuthResult.Failure("manila-op", AuthFailure.BAD_CREDENTIAL,
                        AuthFailure.SOURCE_NOT_ALLOWED));
        assertThat(auth.byToken(token, Protocol.HTTPS, OUTSIDE)).isEqualTo(refused);
        assertThat(auth.byTokenAndTotp(token, "123456", Protocol.HTTPS, OUTSIDE)).as("the token exchange")
                .isEqualTo(refused);
        for (String unusable : List.of("", "unknown", "fe80::1%lo", "198.51.100.7.example")) {
            assertThat(auth.byToken(token, Protocol.HTTPS, unusable)).as("fails closed: %s", unusable)
                    .isEqualTo(refused);
        }

        assertThat(authFailures()).anySatisfy(event -> assertThat(event).contains("manila-op", OUTSIDE,
                "SOURCE_NOT_ALLOWED"));
        assertThat(registry.get("vaultgate.auth.failures").tags("protocol", "https", "reason", "source_not_allowed")
                .counter().count()).isEqualTo(6);
        assertThat(registry.get("vaultgate.auth.failures").tags("protocol", "sftp", "reason", "source_not_allowed")
                .counter().count()).as("the wrong keys too: shown as the site's refusal").isEqualTo(4);
    }

    @Test
    void refusalsFromOutside_areScoredByTheDefender_untilItBansTheAddress() {
        test.core().sites().setAllowedSources("manila", List.of(Cidr.parse("198.51.100.0/24")));
        Authenticator auth = test.core().authenticator();
        int threshold = test.core().incidents().defender().policy().banThreshold();

        assertThat(test.core().incidents().defender().admits(OUTSIDE, "connect")).isTrue();
        for (int attempt = 1; attempt <= threshold; attempt++) {
            assertThat(auth.byToken(token, Protocol.HTTPS, OUTSIDE)).as("attempt %d", attempt)
                    .isInstanceOf(AuthResult.Failure.class);
        }
        assertThat(test.core().incidents().defender().admits(OUTSIDE, "connect")).as("banned at the threshold")
                .isFalse();
        assertThat(auth.byToken(token, Protocol.HTTPS, INSIDE)).as("from the site's network")
                .isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void theListBindsItsOwnSitesOperatorsOnly_andClearingItAdmitsAnyAddressAgain() {
        test.core().sites().setAllowedSources("manila", List.of(Cidr.parse("198.51.100.0/24")));
        test.operator("cebu", "cebu-op", Protocol.SFTP);
        String cebu = test.core().sites().issueOperatorToken("cebu-op", "test");
        test.client("acme", "acme-up", Protocol.HTTPS);
        String client = test.core().administration().issueAccountToken("acme-up", "test");
        Authenticator auth = test.core().authenticator();

        assertThat(auth.byToken(cebu, Protocol.HTTPS, OUTSIDE)).isInstanceOf(AuthResult.Success.class);
        assertThat(auth.byToken(client, Protocol.HTTPS, OUTSIDE)).isInstanceOf(AuthResult.Success.class);

        assertThat(test.core().sites().setAllowedSources("manila", List.of())).isTrue();
        assertThat(auth.byToken(token, Protocol.HTTPS, OUTSIDE)).isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void aChange_isAuditedWithWhatItWas_andSettingTheSameListChangesNothing() {
        List<Cidr> networks = List.of(Cidr.parse("198.51.100.0/24"));

        assertThat(test.core().sites().as("admin:alice").setAllowedSources("manila", networks)).isTrue();
        assertThat(test.core().sites().setAllowedSources("manila", networks)).as("unchanged").isFalse();
        assertThat(test.core().sites().as("cli:bob").setAllowedSources("manila", List.of())).isTrue();

        assertThat(siteUpdates()).containsExactly(
                "admin:alice site manila operator sources [198.51.100.0/24] (was any)",
                "cli:bob site manila operator sources any (was [198.51.100.0/24])");
        assertThat(test.core().sites().site("manila").orElseThrow().allowedSources()).isEmpty();
    }

    @Test
    void anUnknownSite_orTooLongAList_isRefused_andNothingChanges() {
        assertThatThrownBy(() -> test.core().sites().setAllowedSources("nowhere", List.of(Cidr.parse("10.0.0.0/8"))))
                .isInstanceOf(GatewayException.class).hasMessageContaining("site nowhere does not exist");
        List<Cidr> many = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> Cidr.parse("2001:db8:" + Integer.toHexString(i) + "::/48")).toList();
        assertThatThrownBy(() -> test.core().sites().setAllowedSources("manila", many))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too many networks");
        assertThat(test.core().sites().site("manila").orElseThrow().allowedSources()).isEmpty();
        assertThat(siteUpdates()).isEmpty();
    }

    private List<String> authFailures() {
        return test.database().read(jdbc -> jdbc.query("SELECT actor || ' ' || event FROM audit_events WHERE kind = ? "
                + "ORDER BY seq", row -> row.getString(1), "auth.failed"));
    }

    /** Actor and subject of every {@code SITE_UPDATED} record, in order. */
    private List<String> siteUpdates() {
        return test.database().read(jdbc -> jdbc.query("SELECT actor, event FROM audit_events WHERE kind = "
                + "'admin.change' ORDER BY seq", row -> new String[] {row.getString(1), row.getString(2)})).stream()
                .filter(row -> row[1].contains("\"SITE_UPDATED\""))
                .map(row -> row[0] + " " + subject(row[1]))
                .toList();
    }

    private static String subject(String event) {
        String marker = "\"subject\":\"";
        int start = event.indexOf(marker) + marker.length();
        return event.substring(start, event.indexOf('"', start));
    }
}
