package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.tenant.Protocol;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the core fails while {@link PrincipalAuthMethods} asks it whose key a login presents (a catalog error, an
 * audit append that failed), the connection fails closed: an operator whose role requires TOTP is not let in with
 * its key alone, even if the core answers the check that follows.
 */
class PrecheckFailureIT {

    @TempDir
    Path directory;

    @Test
    void coreFailingOnThePrecheck_doesNotLetAnOperatorInWithItsKeyAlone() throws Exception {
        AtomicBoolean failing = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults()
                        .withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR))), Clock.systemUTC(),
                core -> new FailingEveryOtherCall(core, failing, calls))) {
            KeyPair maria = gateway.operator("maria");
            gateway.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test");

            failing.set(true);
            assertThat(loginWithKeyAlone(gateway, maria)).as("the key alone, the core failing every other call")
                    .isFalse();
            assertThat(calls.get()).as("the core was asked").isPositive();

            failing.set(false);
            assertThat(loginWithKeyAlone(gateway, maria)).as("nor when the core works").isFalse();
        }
    }

    private static boolean loginWithKeyAlone(AccessFixture gateway, KeyPair key) throws Exception {
        return gateway.authenticates("maria", List.of(UserAuthPublicKeyFactory.INSTANCE), key);
    }

    /**
     * The core's authenticator, except that while {@code failing} every other key check throws (the 1st, 3rd, ...):
     * a flaky catalog or audit log, failing on the precheck and answering the check that follows it.
     */
    private record FailingEveryOtherCall(Authenticator core, AtomicBoolean failing, AtomicInteger calls)
            implements Authenticator {

        @Override
        public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String source) {
            if (calls.incrementAndGet() % 2 == 1 && failing.get()) {
                throw new IllegalStateException("catalog unavailable");
            }
            return core.byPublicKey(username, fingerprint, protocol, source);
        }

        @Override
        public AuthResult byPassword(String username, char[] password, Protocol protocol, String source) {
            return core.byPassword(username, password, protocol, source);
        }

        @Override
        public AuthResult byToken(String token, Protocol protocol, String source) {
            return core.byToken(token, protocol, source);
        }

        @Override
        public AuthResult byTotp(Principal principal, String code, Protocol protocol, String source) {
            return core.byTotp(principal, code, protocol, source);
        }

        @Override
        public AccessControl access() {
            return core.access();
        }
    }
}
