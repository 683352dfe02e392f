package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the KEK start-up check found is on the status page ({@code /status.json}, {@code vaultgate status}) as an
 * alert naming the tenant, while the readiness checks stay as they are: one tenant's keystore copy does not take the
 * node out of its load balancer.
 */
class KekStatusAlertTest {

    @TempDir
    Path home;

    @Test
    void aTenantFoundBehindAtStart_isAnAlert_notAFailedReadinessCheck() {
        try (TestCore nodeA = TestCore.create(home)) {
            nodeA.client("acme", "alice", Protocol.SFTP);
            try (TestCore nodeB = nodeA.secondNode()) {
                nodeA.core().keyRotation().rotate(TenantId.of("acme"), false);
                List<ReadinessCheck> checks = List.of(() -> nodeB.core().health().catalog());
                CoreStatus status = new CoreStatus(nodeB.core(), checks, "test", Clock.systemUTC());
                assertThat(status.get().alerts()).as("nothing before the check ran").isEmpty();

                nodeB.core().kekStartupCheck().run();

                StatusReport report = status.get();
                assertThat(report.alerts()).singleElement().asString()
                        .contains("keys: at start-up", "behind", "acme", "copy keys/kek.p12");
                assertThat(report.checks()).allMatch(CheckResult::up);
            }
        }
    }
}
