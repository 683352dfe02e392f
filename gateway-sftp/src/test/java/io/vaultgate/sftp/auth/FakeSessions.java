package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.Authenticator;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;

/**
 * What the unit tests of the floored MFA steps ({@link AnswerFloor}, {@link AuthSteps}) put in MINA's place: a
 * stand-in {@link ServerSession} ({@link Proxy}) and the core's, and a way to take a step's pending answer.
 */
final class FakeSessions {

    private FakeSessions() {
    }

    /** Set on a stand-in session, makes it authenticated ({@code isAuthenticated}), as MINA's success would. */
    static final AttributeKey<Boolean> AUTHENTICATED = new AttributeKey<>();

    /** A session from 127.0.0.1 without a keyboard-interactive authenticator ({@link #session(Spec)}). */
    static ServerSession session() {
        return session(new Spec("127.0.0.1", null, null, new CopyOnWriteArrayList<>()));
    }

    /** A session from 127.0.0.1 whose keyboard-interactive authenticator is {@code keyboard}. */
    static ServerSession session(TotpKeyboardInteractive keyboard) {
        return session(new Spec("127.0.0.1", keyboard, null, new CopyOnWriteArrayList<>()));
    }

    /** A session from {@code source} (an IP address). */
    static ServerSession from(String source) {
        return session(new Spec(source, null, null, new CopyOnWriteArrayList<>()));
    }

    /** A session from 127.0.0.1 whose server's scheduled executor is {@code timer}; {@code close(b)} adds b. */
    static ServerSession withTimer(ScheduledExecutorService timer, List<Object> closed) {
        return session(new Spec("127.0.0.1", null, timer, closed));
    }

    /**
     * What a stand-in session is: its peer's address, its keyboard-interactive authenticator (may be null), its
     * server's scheduled executor (may be null) and where its {@code close(immediately)} calls are noted.
     */
    record Spec(String source, TotpKeyboardInteractive keyboard, ScheduledExecutorService timer,
                List<Object> closed) {
    }

    /**
     * A session with attributes, {@code password,keyboard-interactive} as its methods, from {@code spec.source()}
     * (port 2222); any other method throws {@link UnsupportedOperationException}.
     */
    @SuppressWarnings("unchecked")
    static ServerSession session(Spec spec) {
        ServerFactoryManager server = (ServerFactoryManager) Proxy.newProxyInstance(
                FakeSessions.class.getClassLoader(), new Class<?>[] {ServerFactoryManager.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getScheduledExecutorService") && spec.timer() != null) {
                        return spec.timer();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        Map<Object, Object> attributes = new ConcurrentHashMap<>();
        Map<String, Object> properties = new ConcurrentHashMap<>(
                Map.of(CoreModuleProperties.AUTH_METHODS.getName(), "password,keyboard-interactive"));
        InetSocketAddress peer = new InetSocketAddress(spec.source(), 2222);
        return (ServerSession) Proxy.newProxyInstance(FakeSessions.class.getClassLoader(),
                new Class<?>[] {ServerSession.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getAttribute":
                            return attributes.get(args[0]);
                        case "setAttribute":
                            return attributes.put(args[0], args[1]);
                        case "removeAttribute":
                            return attributes.remove(args[0]);
                        case "computeAttributeIfAbsent": // the step counter (SessionStep.begin)
                            return attributes.computeIfAbsent(args[0],
                                    key -> ((Function<AttributeKey<?>, Object>) args[1]).apply((AttributeKey<?>) key));
                        case "getProperties":
                            return properties;
                        case "getParentPropertyResolver":
                            return null;
                        case "getKeyboardInteractiveAuthenticator":
                            return spec.keyboard();
                        case "getRemoteAddress":
                            return peer;
                        case "isAuthenticated":
                            return attributes.containsKey(AUTHENTICATED);
                        case "getFactoryManager":
                            return server;
                        case "close":
                            spec.closed().add(args[0]);
                            return null;
                        case "toString":
                            return "session from " + spec.source();
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** Every call throws, as a busy catalog's would. */
    static Authenticator throwingAuthenticator() {
        return (Authenticator) Proxy.newProxyInstance(FakeSessions.class.getClassLoader(),
                new Class<?>[] {Authenticator.class}, (proxy, method, args) -> {
                    throw new IllegalStateException("catalog busy (test)");
                });
    }

    /** For a step that must reach no core: every call throws {@link UnsupportedOperationException}. */
    static Authenticator unreachedAuthenticator() {
        return (Authenticator) Proxy.newProxyInstance(FakeSessions.class.getClassLoader(),
                new Class<?>[] {Authenticator.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Access control under which every principal requires MFA; nothing else is answered. */
    static AccessControl mfaForAll() {
        return (AccessControl) Proxy.newProxyInstance(FakeSessions.class.getClassLoader(),
                new Class<?>[] {AccessControl.class}, (proxy, method, args) -> {
                    if (method.getName().equals("mfaRequired")) {
                        return true;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The pending answer {@code callback} throws, as MINA catches it. */
    static AsyncAuthException pending(Runnable callback) {
        AsyncAuthException[] thrown = new AsyncAuthException[1];
        assertThatThrownBy(callback::run).isInstanceOfSatisfying(AsyncAuthException.class, e -> thrown[0] = e);
        return thrown[0];
    }

    /** A step's answer: how long its callback took, what MINA was told, and when after the request's arrival. */
    record Answer(Duration callback, boolean authed, Duration after) {
    }

    /** Runs a step's {@code callback}, which must throw its pending answer at once, and waits for the answer. */
    static Answer answer(Runnable callback, long arrived) throws InterruptedException {
        AsyncAuthException pending = pending(callback);
        Duration took = Duration.ofNanos(System.nanoTime() - arrived);
        return await(pending, arrived, took);
    }

    /** Waits (10 s at most) for {@code pending}'s answer. */
    static Answer await(AsyncAuthException pending, long arrived, Duration callback) throws InterruptedException {
        CountDownLatch answered = new CountDownLatch(1);
        AtomicLong at = new AtomicLong();
        AtomicReference<Boolean> result = new AtomicReference<>();
        pending.addListener(ok -> {
            at.set(System.nanoTime());
            result.set(ok);
            answered.countDown();
        });
        assertThat(answered.await(10, TimeUnit.SECONDS)).as("answered").isTrue();
        return new Answer(callback, result.get(), Duration.ofNanos(at.get() - arrived));
    }
}
