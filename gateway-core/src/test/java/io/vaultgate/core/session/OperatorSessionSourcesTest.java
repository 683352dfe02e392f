package io.vaultgate.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's live sessions end at the next session-check round once its site's networks ({@code site set
 * --allow-sources}) no longer admit their source address, as a client's do when its tenant's allowlist narrows (the
 * change itself is audited, SITE_UPDATED, as a lockdown or a revocation is); other sites' operators and clients go on,
 * and clearing the list ends nothing. The change is made through the catalog, as another node or the
 * CLI would, and the reaper is this test's own (a node of its own).
 */
class OperatorSessionSourcesTest {

    @TempDir
    Path home;
    private final List<String> ended = new CopyOnWriteArrayList<>();
    private final List<String> reasons = new CopyOnWriteArrayList<>();
    private TestCore test;
    private LiveSessions node;
    private SessionReaper reaper;
    private OperatorPrincipal maria;
    private OperatorPrincipal cebu;
    private ClientPrincipal client;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        cebu = test.operator("cebu", "carlos", Protocol.SFTP);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        node = new LiveSessions(java.time.Clock.systemUTC());
        reaper = new SessionReaper(test.database(), test.core().audit(), node, Duration.ofMillis(500));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void theSitesNetworksNarrowed_endTheSessionsOfItsOperatorsFromOutsideThem() {
        register(maria, Protocol.SFTP, "10.1.2.3", "maria inside");
        register(maria, Protocol.HTTPS, "192.0.2.7", "maria outside");
        register(maria, Protocol.SFTP, "2001:db8::7", "maria outside, IPv6");
        register(cebu, Protocol.SFTP, "192.0.2.7", "other site");
        register(client, Protocol.SFTP, "192.0.2.7", "client");
        assertThat(reaper.round()).as("no list: any address").isZero();

        test.core().sites().setAllowedSources("manila", List.of(Cidr.parse("10.0.0.0/8")));
        assertThat(reaper.round()).isEqualTo(2);
        assertThat(ended).containsExactlyInAnyOrder("maria outside", "maria outside, IPv6");
        assertThat(reasons).containsOnly("its site no longer allows its source address");
        assertThat(reaper.round()).as("each ending is made once").isZero();

        test.core().sites().setAllowedSources("manila", List.of());
        assertThat(reaper.round()).isZero();
        assertThat(ended).hasSize(2);
    }

    private void register(Principal principal, Protocol protocol, String source, String name) {
        node.register(principal, "key:" + name, protocol, source, reason -> {
            ended.add(name);
            reasons.add(reason);
        });
    }
}
