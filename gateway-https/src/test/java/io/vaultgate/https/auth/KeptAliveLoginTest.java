package io.vaultgate.https.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.defender.Offence;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.session.LiveSessions;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Peer;
import io.vaultgate.https.testing.TokenAuthenticator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A keep-alive connection's login stands for its later requests with the same credential, for a while. */
class KeptAliveLoginTest {

    private static final HttpHeaders GOOD = headers("Bearer " + TokenAuthenticator.TOKEN);

    private final CountingAuthenticator core = new CountingAuthenticator();
    private final AtomicLong nanos = new AtomicLong();
    private final HttpAuthentication authentication = new HttpAuthentication(core, nanos::get);
    private final EmbeddedChannel connection = new EmbeddedChannel();
    private final EmbeddedChannel other = new EmbeddedChannel();

    @AfterEach
    void close() {
        connection.close();
        other.close();
    }

    @Test
    void theSameCredentialAgainOnOneConnection_isCheckedOnce() {
        assertThat(authentication.authenticate(GOOD, on(connection))).isEqualTo(TokenAuthenticator.ALICE);
        assertThat(authentication.authenticate(GOOD, on(connection))).isEqualTo(TokenAuthenticator.ALICE);
        assertThat(authentication.authenticate(GOOD, on(connection))).isEqualTo(TokenAuthenticator.ALICE);

        assertThat(core.tokenChecks.get()).isEqualTo(1);
    }

    @Test
    void anotherConnection_isCheckedAgain() {
        authentication.authenticate(GOOD, on(connection));
        authentication.authenticate(GOOD, on(other));

        assertThat(core.tokenChecks.get()).isEqualTo(2);
    }

    @Test
    void anotherCredentialOnTheSameConnection_isChecked_andRefused() {
        authentication.authenticate(GOOD, on(connection));

        assertThatThrownBy(() -> authentication.authenticate(headers("Bearer vg_wrong"), on(connection)))
                .isInstanceOfSatisfying(HttpProblem.class, e -> assertThat(e.status().code()).isEqualTo(401));
        assertThatThrownBy(() -> authentication.authenticate(new DefaultHttpHeaders(), on(connection)))
                .as("no credential at all").isInstanceOf(HttpProblem.class);
        assertThat(core.tokenChecks.get()).isEqualTo(2);
    }

    @Test
    void afterTheReuseWindow_theCredentialIsCheckedAgain() {
        authentication.authenticate(GOOD, on(connection));
        nanos.addAndGet(HttpAuthentication.REUSE.toNanos() + 1);

        authentication.authenticate(GOOD, on(connection));
        authentication.authenticate(GOOD, on(connection));

        assertThat(core.tokenChecks.get()).isEqualTo(2);
    }

    @Test
    void aSourceBannedSinceTheLogin_isCheckedInFull_andRefused() {
        BanningAccess access = new BanningAccess();
        CountingAuthenticator guarded = new CountingAuthenticator(access);
        HttpAuthentication checked = new HttpAuthentication(guarded, nanos::get);
        checked.authenticate(GOOD, on(connection));

        access.banned = true;

        assertThatThrownBy(() -> checked.authenticate(GOOD, on(connection)))
                .isInstanceOfSatisfying(HttpProblem.class, e -> assertThat(e.status().code()).isEqualTo(401));
        assertThat(guarded.tokenChecks.get()).isEqualTo(2);
    }

    private static Peer on(EmbeddedChannel channel) {
        return new Peer("192.0.2.7", Optional.empty(), Optional.of(channel));
    }

    private static HttpHeaders headers(String authorization) {
        return new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, authorization);
    }

    private static final class CountingAuthenticator implements Authenticator {
        final AtomicInteger tokenChecks = new AtomicInteger();
        private final TokenAuthenticator tokens = new TokenAuthenticator();
        private final AccessControl access;

        CountingAuthenticator() {
            this(AccessControl.open());
        }

        CountingAuthenticator(AccessControl access) {
            this.access = access;
        }

        @Override
        public AccessControl access() {
            return access;
        }

        @Override
        public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String sourceAddress) {
            return tokens.byPublicKey(username, fingerprint, protocol, sourceAddress);
        }

        @Override
        public AuthResult byPassword(String username, char[] password, Protocol protocol, String sourceAddress) {
            return tokens.byPassword(username, password, protocol, sourceAddress);
        }

        @Override
        public AuthResult byToken(String token, Protocol protocol, String sourceAddress) {
            tokenChecks.incrementAndGet();
            return access.admits(sourceAddress, "login") ? tokens.byToken(token, protocol, sourceAddress)
                    : new AuthResult.Failure(null, AuthFailure.SOURCE_NOT_ALLOWED);
        }
    }

    /** Admits every address until {@code banned}; otherwise the open access control. */
    private static final class BanningAccess implements AccessControl {
        private final AccessControl open = AccessControl.open();
        volatile boolean banned;

        @Override
        public boolean admits(String sourceAddress, String stage) {
            return !banned;
        }

        @Override
        public void offence(String sourceAddress, Offence offence) {
        }

        @Override
        public LiveSessions sessions() {
            return open.sessions();
        }

        @Override
        public boolean mfaRequired(Principal principal) {
            return false;
        }

        @Override
        public boolean mfaConfigured() {
            return false;
        }

        @Override
        public Optional<Mfa.IssuedToken> issueSessionToken(Principal principal) {
            return Optional.empty();
        }

        @Override
        public Optional<String> banner() {
            return Optional.empty();
        }
    }
}
