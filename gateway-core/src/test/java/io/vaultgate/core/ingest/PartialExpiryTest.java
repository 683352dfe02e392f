package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interrupted uploads not resumed within {@code uploads.partial-expiry} are removed, with an audit event. */
class PartialExpiryTest {

    private static final Duration EXPIRY = Duration.ofHours(24);

    @TempDir
    Path home;

    @Test
    void aPartialNotResumedWithinTheExpiry_isRemoved_andAFresherOneStaysResumable() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T09:00:00Z"));
        try (TestCore test = TestCore.create(home, new GatewayCore.Settings(EXPIRY, 16), clock)) {
            ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
            VirtualPath old = PathPolicy.parse("/inbox/old.csv");
            VirtualPath fresh = PathPolicy.parse("/inbox/fresh.csv");
            interrupt(test, alice, old);
            clock.advance(Duration.ofHours(20));
            interrupt(test, alice, fresh);
            clock.advance(Duration.ofHours(5));

            assertThat(test.core().recovery().expirePartials()).isEqualTo(1);

            assertThatThrownBy(() -> test.core().ingest().open(alice, old, UploadMode.RESUME))
                    .isInstanceOfSatisfying(GatewayException.class,
                            e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.NOT_FOUND));
            try (Upload resumed = test.core().ingest().open(alice, fresh, UploadMode.RESUME)) {
                assertThat(resumed.resumeOffset()).isEqualTo(10);
            }
            long recorded = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE kind = "
                    + "'upload.aborted' AND event LIKE '%partial upload expired%'"));
            assertThat(recorded).isEqualTo(1);
        }
    }

    private static void interrupt(TestCore test, ClientPrincipal who, VirtualPath path) {
        try (Upload upload = test.core().ingest().open(who, path, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[10]));
        }
    }
}
