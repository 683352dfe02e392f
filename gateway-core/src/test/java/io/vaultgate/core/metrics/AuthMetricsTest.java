package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthMetricsTest {

    @TempDir
    Path home;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private TestCore test;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new CoreMetrics(registry, TenantLabels.defaults(), Clock.systemUTC()));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void failedLogins_areCountedByProtocolAndReason() {
        test.core().authenticator().byPassword("nobody", "x".toCharArray(), Protocol.SFTP, "127.0.0.1");
        test.core().authenticator().byToken("not-a-token", Protocol.HTTPS, "127.0.0.1");

        assertThat(registry.get("vaultgate.auth.failures").tags("protocol", "sftp", "reason", "unknown_user")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("vaultgate.auth.failures").tags("protocol", "https", "reason", "bad_credential")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void successfulLogins_areCountedByProtocolAndMethod() {
        String token = test.core().incidents().administrators().add("root", "cli");

        AuthResult result = test.core().authenticator().byToken(token, Protocol.HTTPS, "127.0.0.1");

        assertThat(result).isInstanceOf(AuthResult.Success.class);
        assertThat(registry.get("vaultgate.auth.successes").tags("protocol", "https", "method", "token")
                .counter().count()).isEqualTo(1);
    }
}
