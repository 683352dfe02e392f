package io.vaultgate.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Credentials;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant switched to refusing password login ({@code vaultgate tenant set acme --refuse-password}, made here through
 * the core as the CLI or another node would) has its accounts' password sessions ended at the next session-check
 * round, each audited as {@code session.ended} with reason {@code password login no longer allowed}; the same account's
 * key session and another tenant's password session go on.
 */
class PasswordSessionReaperTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    @TempDir
    Path home;
    private final List<String> ended = new CopyOnWriteArrayList<>();
    private TestCore test;
    private LiveSessions node;
    private SessionReaper reaper;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        test.core().administration().createTenant(ACME, "Acme", true);
        test.core().administration().createTenant(GLOBEX, "Globex", true);
        node = new LiveSessions(Clock.systemUTC());
        reaper = new SessionReaper(test.database(), test.core().audit(), node, Duration.ofMillis(500));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void refusingPasswords_endsTheTenantsPasswordSessionsAtTheNextRound_only_audited() {
        ClientPrincipal acme = test.client("acme", "acme-pw", Protocol.SFTP);
        ClientPrincipal globex = test.client("globex", "globex-pw", Protocol.SFTP);
        register(acme, Credentials.password(acme.accountId()), Protocol.SFTP, "acme password sftp");
        register(acme, Credentials.password(acme.accountId()), Protocol.HTTPS, "acme password https");
        register(acme, Credentials.sshKey("SHA256:acme"), Protocol.SFTP, "acme key");
        register(globex, Credentials.password(globex.accountId()), Protocol.SFTP, "globex password");
        assertThat(reaper.round()).isZero();

        test.core().administration().as("cli:test").setPasswordLogin(ACME, false);

        assertThat(reaper.round()).isEqualTo(2);
        assertThat(ended).containsExactlyInAnyOrder("acme password sftp", "acme password https");
        assertThat(events()).hasSize(2).allSatisfy(event -> assertThat(event).contains("\"actor\":\"acme-pw\"",
                "\"tenant\":\"acme\"", "\"reason\":\"password login no longer allowed\""));
        assertThat(reaper.round()).as("each ending is made and audited once").isZero();
        assertThat(node.list()).hasSize(2);
    }

    private void register(ClientPrincipal principal, String credential, Protocol protocol, String name) {
        node.register(principal, credential, protocol, "192.0.2.7", reason -> ended.add(name));
    }

    private List<String> events() {
        return test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = 'session.ended' "
                + "ORDER BY seq", row -> row.getString(1)));
    }
}
