package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An administrator's token that passed the ops listener's check from an admin network is remembered for that address
 * only: presented from elsewhere within the cache period it is checked again, and refused there (review33 M1).
 */
class AdminTokenSourceCacheTest {

    private static final String TOKEN = "admin-token";
    private static final String ADMIN_HOST = "127.0.0.1";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicInteger checks = new AtomicInteger();

    /** Accepts the token from {@link #ADMIN_HOST} alone, as the core does with {@code access.admin-sources}. */
    private final Authenticator authenticator = new Authenticator() {
        @Override
        public AuthResult byToken(String token, Protocol protocol, String source) {
            checks.incrementAndGet();
            if (!token.equals(TOKEN)) {
                return new AuthResult.Failure(null, AuthFailure.BAD_CREDENTIAL);
            }
            return source.equals(ADMIN_HOST) ? new AuthResult.Success(new AdminPrincipal("root"))
                    : new AuthResult.Failure("root", AuthFailure.SOURCE_NOT_ALLOWED);
        }

        @Override
        public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AuthResult byPassword(String username, char[] password, Protocol protocol, String source) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void aTokenRememberedFromTheAdminHost_isCheckedAgainFromAnotherAddress_andRefusedThere() throws Exception {
        Route route = new AdminTokenFilter(authenticator, Duration.ofMinutes(1), clock)
                .protect((request, role) -> Reply.text(200, "ok\n"));

        assertThat(answer(route, ADMIN_HOST)).isEqualTo(200);
        assertThat(answer(route, "192.0.2.1")).as("within the cache period, from outside").isEqualTo(403);
        assertThat(answer(route, ADMIN_HOST)).as("still remembered where it passed").isEqualTo(200);
        assertThat(checks).as("checked once from each address").hasValue(2);
    }

    private static int answer(Route route, String source) throws Exception {
        return route.answer().apply(new OpsRequest("/status.json", Optional.of("Bearer " + TOKEN),
                InetAddress.getByName(source))).status();
    }
}
