package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.audit.AuditRecord;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository;
import io.vaultgate.core.catalog.RouteRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.TokenRepository;
import io.vaultgate.core.forward.ForwardingSites;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.seal.SitePublicKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's sealed-forwarding key decides who can read what is forwarded to it: setting, replacing and clearing it
 * are audited ({@code admin.change} {@code SITE_UPDATED}) as the administrator who did it, in the change's own
 * transaction (it was not audited at all).
 */
class SiteRecipientKeyAuditTest {

    @TempDir
    Path home;
    private TestCore test;
    private final SecureRandom random = new SecureRandom();

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        test.core().sites().createSite("manila", "Manila");
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void settingReplacingAndClearingTheKey_areEachAuditedAsTheAdministrator() {
        SitePublicKey first = newKey();
        SitePublicKey second = newKey();
        SiteAdministration sites = test.core().sites().as("cli:alice");

        assertThat(sites.setRecipientKey("manila", Optional.of(first))).isTrue();
        assertThat(sites.setRecipientKey("manila", Optional.of(second))).isTrue();
        assertThat(sites.setRecipientKey("manila", Optional.empty())).isTrue();

        assertThat(siteUpdates()).containsExactly(
                "cli:alice site manila sealed to X25519 key " + first.toBase64(),
                "cli:alice site manila sealed to X25519 key " + second.toBase64() + " (was " + first.toBase64() + ")",
                "cli:alice site manila unsealed (was " + second.toBase64() + ")");
        assertThat(recipientKey()).isEmpty();
    }

    @Test
    void theKeyTheSiteHasAlready_changesAndAuditsNothing() {
        SitePublicKey key = newKey();
        SiteAdministration sites = test.core().sites().as("cli:alice");
        sites.setRecipientKey("manila", Optional.of(key));

        assertThat(sites.setRecipientKey("manila", Optional.of(key))).isFalse();
        assertThat(siteUpdates()).hasSize(1);
    }

    @Test
    void anUnknownSite_isNotFound_andNothingIsAudited() {
        assertThatThrownBy(() -> test.core().sites().setRecipientKey("paris", Optional.of(newKey())))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessageContaining("site paris does not exist");
        assertThat(siteUpdates()).isEmpty();
    }

    /** The key and its record commit together: an append that fails (a crash before it) leaves the key unchanged. */
    @Test
    void aKeyWhoseAuditRecordFails_isNotSetEither() {
        AuditLog audit = test.core().audit();
        AuditLog failing = new AuditLog() {
            @Override
            public AuditRecord append(AuditEvent event) {
                throw new IllegalStateException("simulated crash before the audit append");
            }

            @Override
            public AuditRecord append(Jdbc jdbc, AuditEvent event) throws SQLException {
                if (event instanceof AuditEvent.AdminChange) {
                    throw new IllegalStateException("simulated crash before the audit append");
                }
                return audit.append(jdbc, event);
            }
        };
        SiteAdministration dying = new SiteAdministration(test.database(), new TenantRepository(),
                new OperatorRepository(), new RouteRepository(), new TokenRepository(), random, failing, "cli:alice",
                Clock.systemUTC());

        assertThatThrownBy(() -> dying.setRecipientKey("manila", Optional.of(newKey())))
                .hasMessageContaining("simulated crash");
        assertThatThrownBy(() -> dying.createSite("paris", "Paris", Optional.of(newKey())))
                .hasMessageContaining("simulated crash");

        assertThat(recipientKey()).as("no key without its record").isEmpty();
        assertThat(test.core().sites().siteExists("paris")).isFalse();
        assertThat(siteUpdates()).isEmpty();
    }

    @Test
    void aSiteCreatedWithAKey_isCreatedAndSealedInOneGo_bothAudited() {
        SitePublicKey key = newKey();

        test.core().sites().as("cli:alice").createSite("paris", "Paris", Optional.of(key));

        Optional<String> sealedTo = test.database().read(jdbc -> new ForwardingSites().recipientKey(jdbc, "paris"));
        assertThat(sealedTo).contains(key.toBase64());
        assertThat(siteUpdates()).containsExactly("cli:alice site paris sealed to X25519 key " + key.toBase64());
    }

    private SitePublicKey newKey() {
        byte[] raw = new byte[SitePublicKey.SIZE];
        random.nextBytes(raw);
        return SitePublicKey.of(raw);
    }

    private Optional<String> recipientKey() {
        return test.database().read(jdbc -> new ForwardingSites().recipientKey(jdbc, "manila"));
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
