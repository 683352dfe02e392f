package io.vaultgate.sftp.auth;

import static io.vaultgate.sftp.auth.FakeSessions.mfaForAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.sftp.events.SftpMetrics;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A code step the core accepted whose success MINA does not take (the session not logged in by it: another message
 * came first, or the session closed) is recorded as undelivered ({@link Authenticator#undelivered}), once; a success
 * MINA takes, and a refused code, are not. The first listener of the pending answer stands in for MINA's.
 */
class UndeliveredLoginTest {

    private static final String RIGHT_CODE = "123456";

    private final AuthSteps steps = new AuthSteps();
    private final List<String> undelivered = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        steps.close();
    }

    @Test
    void aSuccessMinaDrops_isRecordedUndelivered() throws Exception {
        assertThat(codeStep(RIGHT_CODE, session -> { })).as("the answer").isTrue();
        assertThat(undelivered).containsExactly("alice totp SFTP 127.0.0.1");
    }

    @Test
    void aSuccessMinaTakes_isNot() throws Exception {
        assertThat(codeStep(RIGHT_CODE, session -> session.setAttribute(FakeSessions.AUTHENTICATED, true)))
                .isTrue();
        assertThat(undelivered).isEmpty();
    }

    @Test
    void aRefusedCode_isNot() throws Exception {
        assertThat(codeStep("000000", session -> { })).isFalse();
        assertThat(undelivered).isEmpty();
    }

    /** Alice's code step with {@code code}; {@code mina} is what MINA's listener does with the answer. */
    private boolean codeStep(String code, Consumer<ServerSession> mina) throws Exception {
        CoreUserAuthenticator core = new CoreUserAuthenticator(recording(),
                new SftpMetrics(new SimpleMeterRegistry()), steps);
        TotpKeyboardInteractive step = new TotpKeyboardInteractive(mfaForAll(), core);
        ServerSession session = FakeSessions.session();
        SessionPrincipal.set(session, new AdminPrincipal("alice"), "password:alice");
        long arrived = System.nanoTime();
        AsyncAuthException pending = FakeSessions.pending(() -> step.authenticate(session, "alice", List.of(code)));
        pending.addListener(authed -> mina.accept(session)); // the first listener: MINA's
        return FakeSessions.await(pending, arrived, Duration.ZERO).authed(); // after MINA's listener and the record
    }

    /** Accepts {@link #RIGHT_CODE} only, and notes each undelivered success. */
    private Authenticator recording() {
        return (Authenticator) Proxy.newProxyInstance(UndeliveredLoginTest.class.getClassLoader(),
                new Class<?>[] {Authenticator.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "byTotp": {
                            Principal principal = (Principal) args[0];
                            return RIGHT_CODE.equals(args[1])
                                    ? new AuthResult.Success(principal, "password:" + principal.name())
                                    : new AuthResult.Failure(principal.name(), AuthFailure.MFA_FAILED);
                        }
                        case "undelivered":
                            undelivered.add(((Principal) args[0]).name() + " " + args[1] + " " + args[2] + " "
                                    + args[3]);
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
