package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root's {@code inbox} and {@code outbox} are dated by the core's clock (the catalog's time on a joined node), in a
 * listing as in a stat: not by this host's.
 */
class RootListingClockTest {

    private static final Instant CORE_TIME = Instant.parse("2031-03-01T12:00:00Z");

    @TempDir
    Path home;
    private TestCore test;

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void theRootsAreas_areDatedByTheCoresClock_inAListingAsInAStat() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), new MutableClock(CORE_TIME));
        ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);

        DirectoryPage root = test.core().files().list(alice, PathPolicy.parse("/"), PageRequest.first());

        assertThat(root.entries()).extracting(entry -> entry.path().toString()).containsExactly("/inbox", "/outbox");
        assertThat(root.entries()).extracting(FileEntry::modified).containsOnly(CORE_TIME);
        assertThat(test.core().files().stat(alice, PathPolicy.parse("/inbox")).modified()).isEqualTo(CORE_TIME);
    }
}
