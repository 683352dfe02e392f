package io.vaultgate.sftp.auth;

import static io.vaultgate.sftp.auth.FakeSessions.answer;
import static io.vaultgate.sftp.auth.FakeSessions.mfaForAll;
import static io.vaultgate.sftp.auth.FakeSessions.throwingAuthenticator;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.sftp.events.SftpMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The floored MFA steps are decided off the callback's thread ({@link AuthSteps}): the callback throws at once, a
 * check that throws or finds no worker is answered through the floor as a refusal, and a worker whose step was
 * superseded writes nothing to the session.
 */
class AsyncStepTest {

    private final AuthSteps steps = new AuthSteps();

    @AfterEach
    void stop() {
        steps.close();
    }

    @Test
    void aCodeStepWhoseCheckThrows_isAWrongCode_answeredThroughTheFloor() throws Exception {
        CoreUserAuthenticator core = new CoreUserAuthenticator(throwingAuthenticator(),
                new SftpMetrics(new SimpleMeterRegistry()), steps);
        TotpKeyboardInteractive step = new TotpKeyboardInteractive(mfaForAll(), core);
        ServerSession session = FakeSessions.session();
        SessionPrincipal.set(session, new AdminPrincipal("alice"), "password:alice");

        long arrived = System.nanoTime();
        FakeSessions.Answer answer = answer(() -> step.authenticate(session, "alice", List.of("123456")), arrived);
        assertThat(answer.callback()).as("the callback throws at once, the core not asked on its thread")
                .isLessThan(Duration.ofMillis(50));
        assertThat(answer.authed()).as("a wrong code").isFalse();
        assertThat(answer.after()).as("through the floor").isGreaterThanOrEqualTo(AnswerFloor.CODE_STEP);
    }

    @Test
    void aPasswordStepWhoseCheckThrows_isARefusedPassword_answeredThroughTheFloor() throws Exception {
        CoreUserAuthenticator core = new CoreUserAuthenticator(throwingAuthenticator(),
                new SftpMetrics(new SimpleMeterRegistry()), steps);
        ServerSession session = FakeSessions.session(new TotpKeyboardInteractive(mfaForAll(), core));
        assertThat(CoreUserAuthenticator.continuesAfterPassword(session)).isTrue();

        long arrived = System.nanoTime();
        FakeSessions.Answer answer = answer(() -> core.authenticate("alice", "a password", session), arrived);
        assertThat(answer.callback()).isLessThan(Duration.ofMillis(50));
        assertThat(answer.authed()).as("a partial success, as for a wrong password").isTrue();
        assertThat(answer.after()).as("through the floor").isGreaterThanOrEqualTo(AnswerFloor.PASSWORD_STEP);
        assertThat(CoreUserAuthenticator.refusedFirstStep(session)).as("the first step marked refused")
                .isEqualTo("alice");
        assertThat(SessionPrincipal.of(session)).isEmpty();
    }

    @Test
    void aFullPool_answersThroughTheFloor_withoutBlockingTheCallersThread() throws Exception {
        try (AuthSteps small = new AuthSteps(1, 1, AuthSteps.PER_SOURCE)) {
            AnswerFloor floor = new AnswerFloor(Duration.ofMillis(200), small.timer());
            ServerSession session = FakeSessions.session();
            CountDownLatch release = new CountDownLatch(1);
            AsyncAuthException busy = small.decide(session, floor, floor.arrived(), "test step",
                    () -> await(release), e -> false, () -> false);
            AsyncAuthException queued = small.decide(session, floor, floor.arrived(), "test step",
                    () -> true, e -> false, () -> false);
            long arrived = floor.arrived();
            long before = System.nanoTime();
            AsyncAuthException saturated = small.decide(session, floor, arrived, "test step",
                    () -> true, e -> true, () -> false);
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMillis(50));
            CountDownLatch answered = new CountDownLatch(1);
            AtomicReference<Boolean> result = new AtomicReference<>();
            AtomicLong at = new AtomicLong();
            saturated.addListener(ok -> {
                at.set(System.nanoTime());
                result.set(ok);
                answered.countDown();
            });
            assertThat(answered.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(result.get()).as("the saturated answer").isFalse();
            assertThat(Duration.ofNanos(at.get() - arrived)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            release.countDown();
            CountDownLatch both = new CountDownLatch(2);
            busy.addListener(ok -> both.countDown());
            queued.addListener(ok -> both.countDown());
            assertThat(both.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aSupersededStep_writesNothing() {
        ServerSession session = FakeSessions.session();
        AuthSteps.Step first = AuthSteps.begin(session, () -> { });
        AuthSteps.Step second = AuthSteps.begin(session, () -> { });
        List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(first.ifCurrent(() -> written.add("first"))).isFalse();
        assertThat(second.ifCurrent(() -> written.add("second"))).isTrue();
        assertThat(written).containsExactly("second");
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
