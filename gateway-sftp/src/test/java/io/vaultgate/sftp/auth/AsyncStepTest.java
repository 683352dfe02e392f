package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.sftp.events.SftpMetrics;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.core.CoreModuleProperties;
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
        ServerSession session = session(null);
        SessionPrincipal.set(session, new AdminPrincipal("alice"), "password:alice");

        long arrived = System.nanoTime();
        Answer answer = answer(() -> step.authenticate(session, "alice", List.of("123456")), arrived);
        assertThat(answer.callback()).as("the callback throws at once, the core not asked on its thread")
                .isLessThan(Duration.ofMillis(50));
        assertThat(answer.authed()).as("a wrong code").isFalse();
        assertThat(answer.after()).as("through the floor").isGreaterThanOrEqualTo(AnswerFloor.CODE_STEP);
    }

    @Test
    void aPasswordStepWhoseCheckThrows_isARefusedPassword_answeredThroughTheFloor() throws Exception {
        CoreUserAuthenticator core = new CoreUserAuthenticator(throwingAuthenticator(),
                new SftpMetrics(new SimpleMeterRegistry()), steps);
        ServerSession session = session(new TotpKeyboardInteractive(mfaForAll(), core));
        assertThat(CoreUserAuthenticator.continuesAfterPassword(session)).isTrue();

        long arrived = System.nanoTime();
        Answer answer = answer(() -> core.authenticate("alice", "a password", session), arrived);
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
            ServerSession session = session(null);
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
        ServerSession session = session(null);
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

    private record Answer(Duration callback, boolean authed, Duration after) { }

    private static Answer answer(Runnable callback, long arrived) throws Exception {
        AsyncAuthException[] thrown = new AsyncAuthException[1];
        assertThatThrownBy(callback::run).isInstanceOfSatisfying(AsyncAuthException.class, e -> thrown[0] = e);
        Duration took = Duration.ofNanos(System.nanoTime() - arrived);
        CountDownLatch answered = new CountDownLatch(1);
        AtomicLong at = new AtomicLong();
        AtomicReference<Boolean> result = new AtomicReference<>();
        thrown[0].addListener(ok -> {
            at.set(System.nanoTime());
            result.set(ok);
            answered.countDown();
        });
        assertThat(answered.await(10, TimeUnit.SECONDS)).as("answered").isTrue();
        return new Answer(took, result.get(), Duration.ofNanos(at.get() - arrived));
    }

    /** Every core check throws, as a busy catalog's would. */
    private static Authenticator throwingAuthenticator() {
        return (Authenticator) Proxy.newProxyInstance(AsyncStepTest.class.getClassLoader(),
                new Class<?>[] {Authenticator.class}, (proxy, method, args) -> {
                    throw new IllegalStateException("catalog busy (test)");
                });
    }

    private static AccessControl mfaForAll() {
        return (AccessControl) Proxy.newProxyInstance(AsyncStepTest.class.getClassLoader(),
                new Class<?>[] {AccessControl.class}, (proxy, method, args) -> {
                    if (method.getName().equals("mfaRequired")) {
                        return true;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A session with attributes, {@code password,keyboard-interactive} as its methods, from 127.0.0.1. */
    @SuppressWarnings("unchecked")
    private static ServerSession session(TotpKeyboardInteractive keyboard) {
        Map<Object, Object> attributes = new ConcurrentHashMap<>();
        Map<String, Object> properties = new ConcurrentHashMap<>(
                Map.of(CoreModuleProperties.AUTH_METHODS.getName(), "password,keyboard-interactive"));
        return (ServerSession) Proxy.newProxyInstance(AsyncStepTest.class.getClassLoader(),
                new Class<?>[] {ServerSession.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getAttribute":
                            return attributes.get(args[0]);
                        case "setAttribute":
                            return attributes.put(args[0], args[1]);
                        case "removeAttribute":
                            return attributes.remove(args[0]);
                        case "computeAttributeIfAbsent":
                            return attributes.computeIfAbsent(args[0],
                                    key -> ((Function<AttributeKey<?>, Object>) args[1]).apply((AttributeKey<?>) key));
                        case "getProperties":
                            return properties;
                        case "getParentPropertyResolver":
                            return null;
                        case "getKeyboardInteractiveAuthenticator":
                            return keyboard;
                        case "getRemoteAddress":
                            return new InetSocketAddress("127.0.0.1", 2222);
                        case "toString":
                            return "session";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
