package io.vaultgate.sftp.auth;

import static io.vaultgate.sftp.auth.FakeSessions.mfaForAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.sftp.events.SftpMetrics;
import io.vaultgate.sftp.events.StepRefusal;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every MFA step the pool answers undecided is counted by why, {@code vaultgate_sftp_mfa_steps_refused_total{reason}}
 * ({@link StepRefusal}): its source held its share, the pool was full for it, its waiting place was taken by a
 * source holding fewer, or the server was stopping. Every reason is registered up front, at 0. The core's checks are held, so which step gets
 * which place does not depend on the machine's speed.
 */
class StepRefusalCountTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** Every check of the core waits for it (10 s at most): a hold the test releases, never a bound it measures. */
    private final CountDownLatch checks = new CountDownLatch(1);

    @AfterEach
    void release() {
        checks.countDown();
    }

    @Test
    void everyReason_isRegisteredUpFront_atZero() {
        new SftpMetrics(registry);
        for (StepRefusal reason : StepRefusal.values()) {
            assertThat(refused(reason)).as(reason.tag()).isZero();
        }
        assertThat(registry.get("vaultgate.sftp.mfa.steps.refused").counters()).hasSize(4);
    }

    /**
     * One worker and one place to wait, 2 steps per source: 127.0.0.2's first code step holds the worker, its second
     * waits, its third is past its share; 127.0.0.3's step pushes out 127.0.0.2's waiting one (2 places against 0);
     * 127.0.0.4's finds the pool full (127.0.0.3 holds 1, not 2 more than it).
     */
    @Test
    void codeStepsThePoolRefuses_areCountedByReason() throws Exception {
        try (AuthSteps small = new AuthSteps(1, 1, 2)) {
            TotpKeyboardInteractive codeStep = new TotpKeyboardInteractive(mfaForAll(),
                    new CoreUserAuthenticator(heldCore(), new SftpMetrics(registry), small));
            AsyncAuthException held = codeStep(codeStep, "127.0.0.2");
            AsyncAuthException pushedOut = codeStep(codeStep, "127.0.0.2");
            AsyncAuthException overShare = codeStep(codeStep, "127.0.0.2");
            assertThat(refused(StepRefusal.SOURCE_SHARE)).isEqualTo(1);
            AsyncAuthException waiting = codeStep(codeStep, "127.0.0.3");
            assertThat(refused(StepRefusal.PUSHED_OUT)).isEqualTo(1);
            AsyncAuthException poolFull = codeStep(codeStep, "127.0.0.4");
            assertThat(refused(StepRefusal.POOL_FULL)).isEqualTo(1);

            checks.countDown();
            for (AsyncAuthException pending : List.of(held, pushedOut, overShare, waiting, poolFull)) {
                assertThat(FakeSessions.await(pending, System.nanoTime(), Duration.ZERO).authed()).isFalse();
            }
            assertThat(refused(StepRefusal.SOURCE_SHARE)).as("the decided steps are not counted").isEqualTo(1);
            assertThat(refused(StepRefusal.PUSHED_OUT)).isEqualTo(1);
            assertThat(refused(StepRefusal.POOL_FULL)).isEqualTo(1);
        }
    }

    /** The password step of {@code password,keyboard-interactive} is counted too: here past its source's share. */
    @Test
    void aPasswordStepPastItsSourcesShare_isCounted() throws Exception {
        try (AuthSteps small = new AuthSteps(1, 1, 1)) {
            CoreUserAuthenticator core = new CoreUserAuthenticator(heldCore(), new SftpMetrics(registry), small);
            ServerSession first = FakeSessions.session(new TotpKeyboardInteractive(mfaForAll(), core));
            ServerSession second = FakeSessions.session(new TotpKeyboardInteractive(mfaForAll(), core));
            AsyncAuthException held = FakeSessions.pending(() -> core.authenticate("alice", "a password", first));
            AsyncAuthException overShare = FakeSessions.pending(() -> core.authenticate("bob", "a password", second));
            assertThat(refused(StepRefusal.SOURCE_SHARE)).isEqualTo(1);
            assertThat(FakeSessions.await(overShare, System.nanoTime(), Duration.ZERO).authed())
                    .as("a partial success, as for any password").isTrue();
            checks.countDown();
            FakeSessions.await(held, System.nanoTime(), Duration.ZERO);
            assertThat(refused(StepRefusal.SOURCE_SHARE)).isEqualTo(1);
            assertThat(refused(StepRefusal.POOL_FULL) + refused(StepRefusal.PUSHED_OUT)).isZero();
        }
    }

    /**
     * review27a #4: a step arriving once the pool has closed (the server stops) counts as {@code stopping}; it counted
     * as {@code pool_full}, which should rise only when the checks cannot keep up with the logins.
     */
    @Test
    void aCodeStepArrivingWhileTheServerStops_isCountedAsStopping_notPoolFull() {
        AuthSteps stopped = new AuthSteps(1, 1, 2);
        TotpKeyboardInteractive codeStep = new TotpKeyboardInteractive(mfaForAll(),
                new CoreUserAuthenticator(heldCore(), new SftpMetrics(registry), stopped));
        stopped.close();

        codeStep(codeStep, "127.0.0.5");

        assertThat(refused(StepRefusal.STOPPING)).isEqualTo(1);
        assertThat(refused(StepRefusal.POOL_FULL)).isZero();
    }

    private double refused(StepRefusal reason) {
        return registry.get("vaultgate.sftp.mfa.steps.refused").tag("reason", reason.tag()).counter().count();
    }

    private static AsyncAuthException codeStep(TotpKeyboardInteractive codeStep, String source) {
        ServerSession session = FakeSessions.from(source);
        SessionPrincipal.set(session, new AdminPrincipal("mallory"), "password:mallory");
        return FakeSessions.pending(() -> codeStep.authenticate(session, "mallory", List.of("000000")));
    }

    /** The core: every code and password check waits for {@link #checks}, then refuses. */
    private Authenticator heldCore() {
        return (Authenticator) Proxy.newProxyInstance(StepRefusalCountTest.class.getClassLoader(),
                new Class<?>[] {Authenticator.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "byTotp", "firstFactorByPassword" -> {
                            checks.await(10, TimeUnit.SECONDS);
                            String name = args[0] instanceof String login ? login : "mallory";
                            return new AuthResult.Failure(name, AuthFailure.MFA_FAILED);
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
