package io.vaultgate.sftp.auth;

import static io.vaultgate.sftp.auth.FakeSessions.mfaForAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.sftp.events.SftpMetrics;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>"Never blocks" is shown without a wall-clock bound, which load can break (a 50 ms one failed at load 7): the
 * core's check, or the worker a step would need, is held until the test releases it after the callback (or
 * {@code decide}) has returned. A callback that waited for either would return only when the hold gave up (30 s),
 * with the check ended, which the tests refuse.
 */
class AsyncStepTest {

    private final AuthSteps steps = new AuthSteps();

    @AfterEach
    void stop() {
        steps.close();
    }

    @Test
    void aCodeStepWhoseCheckThrows_isAWrongCode_answeredThroughTheFloor() throws Exception {
        HeldCatalog catalog = new HeldCatalog();
        CoreUserAuthenticator core = new CoreUserAuthenticator(catalog.authenticator(),
                new SftpMetrics(new SimpleMeterRegistry()), steps);
        TotpKeyboardInteractive step = new TotpKeyboardInteractive(mfaForAll(), core);
        ServerSession session = FakeSessions.session();
        SessionPrincipal.set(session, new AdminPrincipal("alice"), "password:alice");

        long arrived = System.nanoTime();
        AsyncAuthException pending = FakeSessions.pending(
                () -> step.authenticate(session, "alice", List.of("123456")));
        catalog.assertCallbackDidNotWait();
        FakeSessions.Answer answer = FakeSessions.await(pending, arrived, Duration.ZERO);
        catalog.assertAskedOffTheCallersThread();
        assertThat(answer.authed()).as("a wrong code").isFalse();
        assertThat(answer.after()).as("through the floor").isGreaterThanOrEqualTo(AnswerFloor.CODE_STEP);
    }

    @Test
    void aPasswordStepWhoseCheckThrows_isARefusedPassword_answeredThroughTheFloor() throws Exception {
        HeldCatalog catalog = new HeldCatalog();
        CoreUserAuthenticator core = new CoreUserAuthenticator(catalog.authenticator(),
                new SftpMetrics(new SimpleMeterRegistry()), steps);
        ServerSession session = FakeSessions.session(new TotpKeyboardInteractive(mfaForAll(), core));
        assertThat(MfaStepAnswers.continuesAfterPassword(session)).isTrue();

        long arrived = System.nanoTime();
        AsyncAuthException pending = FakeSessions.pending(() -> core.authenticate("alice", "a password", session));
        catalog.assertCallbackDidNotWait();
        FakeSessions.Answer answer = FakeSessions.await(pending, arrived, Duration.ZERO);
        catalog.assertAskedOffTheCallersThread();
        assertThat(answer.authed()).as("a partial success, as for a wrong password").isTrue();
        assertThat(answer.after()).as("through the floor").isGreaterThanOrEqualTo(AnswerFloor.PASSWORD_STEP);
        assertThat(MfaStepAnswers.refusedFirstStep(session)).as("the first step marked refused")
                .isEqualTo("alice");
        assertThat(SessionPrincipal.of(session)).isEmpty();
    }

    @Test
    void aFullPool_answersThroughTheFloor_withoutBlockingTheCallersThread() throws Exception {
        try (AuthSteps small = new AuthSteps(1, 1, AuthSteps.PER_SOURCE)) {
            AnswerFloor floor = new AnswerFloor(Duration.ofMillis(200), small.timer());
            ServerSession session = FakeSessions.session();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch busyStarted = new CountDownLatch(1);
            AtomicBoolean busyEnded = new AtomicBoolean();
            AsyncAuthException busy = small.decide(session, floor, floor.arrived(), "test step", () -> {
                busyStarted.countDown();
                boolean released = await(release);
                busyEnded.set(true);
                return released;
            }, e -> false, why -> false);
            assertThat(busyStarted.await(10, TimeUnit.SECONDS)).as("the one worker is held").isTrue();
            AsyncAuthException queued = small.decide(session, floor, floor.arrived(), "test step",
                    () -> true, e -> false, why -> false);
            long arrived = floor.arrived();
            AsyncAuthException saturated = small.decide(session, floor, arrived, "test step",
                    () -> true, e -> true, why -> false);
            assertThat(busyEnded).as("decide returned while the worker and the queue were still held: it did not wait"
                    + " for room").isFalse();
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
            assertThat(busyEnded).isTrue();
        }
    }

    @Test
    void aSupersededStep_writesNothing() {
        ServerSession session = FakeSessions.session();
        SessionStep first = SessionStep.begin(session, () -> { });
        SessionStep second = SessionStep.begin(session, () -> { });
        List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(first.ifCurrent(() -> written.add("first"))).isFalse();
        assertThat(second.ifCurrent(() -> written.add("second"))).isTrue();
        assertThat(written).containsExactly("second");
    }

    /** Waits for {@code latch}, 30 s at most: a hold the test always releases, never a bound the test measures. */
    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The core as a busy catalog: every call waits until {@link #assertCallbackDidNotWait} releases it (30 s at most),
     * then throws. Notes the thread of the first call and whether any call has ended.
     */
    private static final class HeldCatalog {
        private final CountDownLatch release = new CountDownLatch(1);
        private final AtomicReference<Thread> askedOn = new AtomicReference<>();
        private final AtomicBoolean ended = new AtomicBoolean();

        Authenticator authenticator() {
            return (Authenticator) Proxy.newProxyInstance(AsyncStepTest.class.getClassLoader(),
                    new Class<?>[] {Authenticator.class}, (proxy, method, args) -> {
                        askedOn.compareAndSet(null, Thread.currentThread());
                        await(release);
                        ended.set(true);
                        throw new IllegalStateException("catalog busy (test)");
                    });
        }

        /**
         * The callback has returned (thrown its pending answer) while no check had ended: it did not wait for one,
         * which could only end when released, and it is released only now.
         */
        void assertCallbackDidNotWait() {
            assertThat(ended).as("the callback threw before any check of the core ended").isFalse();
            release.countDown();
        }

        void assertAskedOffTheCallersThread() {
            assertThat(askedOn.get()).as("the core was asked").isNotNull()
                    .as("on a worker, not the callback's thread").isNotSameAs(Thread.currentThread());
        }
    }
}
