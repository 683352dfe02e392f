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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each source gets a bounded share of {@link AuthSteps}' workers and queue ({@link AuthSteps#PER_SOURCE}): one that
 * floods MFA steps has its own steps refused past its share, through the floor, and every other source's steps are
 * still decided. Beyond the share the pool is fair among sources: waiting steps are decided one source at a time in
 * turn, and a source holding two or more places fewer than another takes that one's newest waiting place when the pool
 * is full, so many sources flooding cannot fill it against another. The counts are released whatever the step's
 * outcome.
 */
class StepShareTest {

    private static final String RIGHT_CODE = "123456";
    /** How long the flooding source's code checks take (a core busy with them). */
    private static final long FLOOD_CHECK_MILLIS = 100;
    /** The longest a check is held for the test; a hold the test releases, never a bound it measures. */
    private static final Duration HOLD = Duration.ofSeconds(10);

    private final AuthSteps steps = new AuthSteps();

    @AfterEach
    void stop() {
        steps.close();
    }

    /**
     * 127.0.0.2 sends 100 code steps at once and goes on sending one every 2 ms, each checked for 100 ms; alice's right
     * code from 127.0.0.3 is decided and accepted all the same. Before the share, the flood filled the 4 workers and
     * the 64 places of the queue, and alice's step was answered as a wrong code.
     *
     * <p>That alice's callback throws at once, waiting neither for room behind the flood nor for her own check, is
     * shown without a wall-clock bound, which a loaded machine can break (a 50 ms one was here): every check of the
     * flood is held until alice's callback has returned (for {@link #HOLD} at most), and her code must be checked on
     * a worker, not on the callback's thread. A callback that waited for a worker would return only once the hold
     * gave up, with the flood's first checks ended, and one that decided on its own thread would check alice's code
     * there: the test refuses both, however loaded the machine.
     */
    @Test
    void aSourceFloodingCodeSteps_cannotMakeAnotherSourcesRightCodeFail() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        long holdUntil = System.nanoTime() + HOLD.toNanos();
        AtomicInteger floodChecksEnded = new AtomicInteger();
        AtomicReference<Thread> aliceCheckedOn = new AtomicReference<>();
        CoreUserAuthenticator core = new CoreUserAuthenticator(slowForMallory(() -> {
            awaitUntil(gate, holdUntil);
            sleep(FLOOD_CHECK_MILLIS);
            floodChecksEnded.incrementAndGet();
        }, aliceCheckedOn), new SftpMetrics(new SimpleMeterRegistry()), steps);
        TotpKeyboardInteractive codeStep = new TotpKeyboardInteractive(mfaForAll(), core);
        List<AsyncAuthException> flood = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 100; i++) {
            flood.add(codeStepOf(codeStep, "127.0.0.2", "mallory", "000000"));
        }
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread flooder = new Thread(() -> {
            while (flooding.get()) {
                flood.add(codeStepOf(codeStep, "127.0.0.2", "mallory", "000000"));
                sleep(2);
            }
        });
        flooder.setDaemon(true);
        flooder.start();
        try {
            ServerSession alice = FakeSessions.from("127.0.0.3");
            SessionPrincipal.set(alice, new AdminPrincipal("alice"), "password:alice");
            long arrived = System.nanoTime();
            AsyncAuthException pending = FakeSessions.pending(
                    () -> codeStep.authenticate(alice, "alice", List.of(RIGHT_CODE)));
            assertThat(floodChecksEnded).as("alice's callback threw while every check of the flood was still held:"
                    + " it waited for no worker").hasValue(0);
            gate.countDown();
            FakeSessions.Answer answer = FakeSessions.await(pending, arrived, Duration.ZERO);
            assertThat(aliceCheckedOn.get()).as("alice's code was checked").isNotNull()
                    .as("on a worker, not on the callback's thread").isNotSameAs(Thread.currentThread());
            assertThat(answer.authed()).as("alice's right code, with 127.0.0.2 flooding").isTrue();
            assertThat(answer.after()).as("through the floor").isGreaterThanOrEqualTo(AnswerFloor.CODE_STEP);
        } finally {
            gate.countDown();
            flooding.set(false);
            flooder.join(5_000);
        }
        CountDownLatch all = new CountDownLatch(flood.size());
        AtomicInteger accepted = new AtomicInteger();
        for (AsyncAuthException pending : flood) {
            pending.addListener(ok -> {
                if (ok) {
                    accepted.incrementAndGet();
                }
                all.countDown();
            });
        }
        assertThat(all.await(30, TimeUnit.SECONDS)).as("every flooding step answered too").isTrue();
        assertThat(accepted).as("none of the flood's wrong codes").hasValue(0);
    }

    /**
     * The counts are taken per source (an IPv6 /64 as one) and released however a step ends: decided, its check
     * thrown, refused for the source's share, refused for a full pool, its waiting place taken by a source holding
     * fewer; none is left once every step was answered.
     */
    @Test
    void everyOutcome_releasesItsSourcesCount() throws Exception {
        try (AuthSteps small = new AuthSteps(1, 2, 2)) {
            AnswerFloor floor = new AnswerFloor(Duration.ofMillis(50), small.timer());
            CountDownLatch release = new CountDownLatch(1);
            ServerSession first = FakeSessions.from("2001:db8:0:7::1");
            ServerSession sameSlash64 = FakeSessions.from("2001:db8:0:7::2");
            ServerSession other = FakeSessions.from("127.0.0.4");
            List<AsyncAuthException> answers = new CopyOnWriteArrayList<>();
            answers.add(small.decide(first, floor, floor.arrived(), "test step", () -> {
                await(release);
                throw new IllegalStateException("catalog busy (test)");
            }, e -> false, why -> false)); // held by the worker; its check will throw
            AsyncAuthException pushedOut = small.decide(sameSlash64, floor, floor.arrived(), "test step",
                    () -> true, e -> true, why -> false); // waiting
            assertThat(small.inFlight("2001:db8:0:7::99")).as("one /64, one count").isEqualTo(2);

            AsyncAuthException overShare = small.decide(first, floor, floor.arrived(), "test step", () -> true,
                    e -> true, why -> false);
            assertThat(FakeSessions.await(overShare, floor.arrived(), Duration.ZERO).authed())
                    .as("past the source's share: the saturated answer").isFalse();
            assertThat(small.inFlight("2001:db8:0:7::1")).isEqualTo(2);

            answers.add(small.decide(other, floor, floor.arrived(), "test step", () -> true, e -> false,
                    why -> false)); // waiting: every place taken now
            AsyncAuthException poolFull = small.decide(other, floor, floor.arrived(), "test step", () -> true,
                    e -> true, why -> false);
            assertThat(FakeSessions.await(poolFull, floor.arrived(), Duration.ZERO).authed())
                    .as("the pool full, no source holding two more than 127.0.0.4: the saturated answer").isFalse();
            assertThat(small.inFlight("127.0.0.4")).as("released at once").isEqualTo(1);

            answers.add(small.decide(FakeSessions.from("127.0.0.3"), floor, floor.arrived(), "test step",
                    () -> true, e -> false, why -> false));
            assertThat(FakeSessions.await(pushedOut, floor.arrived(), Duration.ZERO).authed())
                    .as("the /64's waiting step, its place taken by 127.0.0.3 holding none: the saturated answer")
                    .isFalse();
            assertThat(small.inFlight("2001:db8:0:7::1")).isEqualTo(1);
            assertThat(small.inFlight("127.0.0.3")).isEqualTo(1);

            release.countDown();
            List<Boolean> authed = new ArrayList<>();
            for (AsyncAuthException pending : answers) {
                authed.add(FakeSessions.await(pending, floor.arrived(), Duration.ZERO).authed());
            }
            assertThat(authed).as("thrown, then decided, decided").containsExactly(false, true, true);
            assertThat(small.inFlight("2001:db8:0:7::1")).isZero();
            assertThat(small.sourcesInFlight()).as("no source left counted").isZero();

            AsyncAuthException again = small.decide(first, floor, floor.arrived(), "test step", () -> true,
                    e -> false, why -> false);
            assertThat(FakeSessions.await(again, floor.arrived(), Duration.ZERO).authed())
                    .as("the source decided again").isTrue();
            assertThat(small.sourcesInFlight()).isZero();
        }
    }

    /**
     * 20 sources flood code steps at their share each (8, 160 in all, more than the pool's 68 places), every check held;
     * alice's right code from a 21st source is taken in all the same and accepted, and every flooding source keeps a
     * place too. Before, the first 9 sources filled the pool (8 x 9 > 68): alice's step and those of the 11 other
     * sources were answered as wrong codes until the flood's checks ended.
     */
    @Test
    void manySourcesFloodingAtTheirShare_cannotFillThePoolAgainstAnotherSource() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        long holdUntil = System.nanoTime() + HOLD.toNanos();
        CoreUserAuthenticator core = new CoreUserAuthenticator(slowForMallory(() -> awaitUntil(gate, holdUntil),
                new AtomicReference<>()), new SftpMetrics(new SimpleMeterRegistry()), steps);
        TotpKeyboardInteractive codeStep = new TotpKeyboardInteractive(mfaForAll(), core);
        List<AsyncAuthException> flood = new ArrayList<>();
        int sources = 20;
        try {
            for (int source = 1; source <= sources; source++) {
                for (int i = 0; i < AuthSteps.PER_SOURCE; i++) {
                    flood.add(codeStepOf(codeStep, "127.0.1." + source, "mallory", "000000"));
                }
            }
            int held = 0;
            for (int source = 1; source <= sources; source++) {
                int of = steps.inFlight("127.0.1." + source);
                assertThat(of).as("127.0.1." + source + " keeps a place").isPositive();
                held += of;
            }
            assertThat(held).as("the pool's places, no more").isEqualTo(AuthSteps.WORKERS + AuthSteps.QUEUE);

            ServerSession alice = FakeSessions.from("127.0.0.3");
            SessionPrincipal.set(alice, new AdminPrincipal("alice"), "password:alice");
            long arrived = System.nanoTime();
            AsyncAuthException pending = FakeSessions.pending(
                    () -> codeStep.authenticate(alice, "alice", List.of(RIGHT_CODE)));
            assertThat(steps.inFlight("127.0.0.3")).as("alice's step took a place").isEqualTo(1);
            gate.countDown();
            FakeSessions.Answer answer = FakeSessions.await(pending, arrived, Duration.ZERO);
            assertThat(answer.authed()).as("alice's right code, with 20 sources flooding").isTrue();
        } finally {
            gate.countDown();
        }
        for (AsyncAuthException pending : flood) {
            FakeSessions.await(pending, System.nanoTime(), Duration.ZERO);
        }
        assertThat(steps.sourcesInFlight()).isZero();
    }

    /**
     * Waiting steps go to the workers one source at a time: with one worker held by 127.0.0.2's first step and 7 more
     * of its steps waiting, alice's step from 127.0.0.3 is decided second or third (behind at most one more of them),
     * not ninth as in arrival order.
     */
    @Test
    void waitingSteps_goToTheWorkersOneSourceAtATime() throws Exception {
        try (AuthSteps one = new AuthSteps(1, AuthSteps.QUEUE, AuthSteps.PER_SOURCE)) {
            AnswerFloor floor = new AnswerFloor(Duration.ZERO, one.timer());
            CountDownLatch release = new CountDownLatch(1);
            List<String> decided = new CopyOnWriteArrayList<>();
            List<AsyncAuthException> answers = new ArrayList<>();
            for (int i = 0; i < AuthSteps.PER_SOURCE; i++) {
                int step = i;
                answers.add(one.decide(FakeSessions.from("127.0.0.2"), floor, floor.arrived(), "test step", () -> {
                    if (step == 0) {
                        await(release);
                    }
                    decided.add("flood");
                    return false;
                }, e -> false, why -> false));
            }
            answers.add(one.decide(FakeSessions.from("127.0.0.3"), floor, floor.arrived(), "test step", () -> {
                decided.add("alice");
                return true;
            }, e -> false, why -> false));
            release.countDown();
            for (AsyncAuthException pending : answers) {
                FakeSessions.await(pending, floor.arrived(), Duration.ZERO);
            }
            assertThat(decided).hasSize(AuthSteps.PER_SOURCE + 1);
            assertThat(decided.indexOf("alice")).as("alice's place among the decisions: " + decided).isLessThan(3);
        }
    }

    /** A flood holds its share while its checks run, and nothing once its steps are answered. */
    @Test
    void afterAFlood_theSourcesCountIsZero() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CoreUserAuthenticator core = new CoreUserAuthenticator(slowForMallory(() -> await(busy),
                new AtomicReference<>()), new SftpMetrics(new SimpleMeterRegistry()), steps);
        TotpKeyboardInteractive codeStep = new TotpKeyboardInteractive(mfaForAll(), core);
        List<AsyncAuthException> flood = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 40; i++) {
            flood.add(codeStepOf(codeStep, "127.0.0.2", "mallory", "000000"));
        }
        assertThat(steps.inFlight("127.0.0.2")).as("the share, no more").isEqualTo(AuthSteps.PER_SOURCE);
        busy.countDown();
        for (AsyncAuthException pending : flood) {
            FakeSessions.await(pending, System.nanoTime(), Duration.ZERO);
        }
        assertThat(steps.inFlight("127.0.0.2")).isZero();
        assertThat(steps.sourcesInFlight()).isZero();
    }

    private static AsyncAuthException codeStepOf(TotpKeyboardInteractive codeStep, String source, String user,
                                                 String code) {
        ServerSession session = FakeSessions.from(source);
        SessionPrincipal.set(session, new AdminPrincipal(user), "password:" + user);
        return FakeSessions.pending(() -> codeStep.authenticate(session, user, List.of(code)));
    }

    /**
     * Accepts {@link #RIGHT_CODE} only; each of mallory's checks runs {@code malloryCheck} first, and the thread of
     * anyone else's check is kept in {@code othersCheckedOn}.
     */
    private static Authenticator slowForMallory(Runnable malloryCheck, AtomicReference<Thread> othersCheckedOn) {
        return (Authenticator) Proxy.newProxyInstance(StepShareTest.class.getClassLoader(),
                new Class<?>[] {Authenticator.class}, (proxy, method, args) -> {
                    if (method.getName().equals("undelivered")) {
                        return (Runnable) () -> { }; // alice's success, which no MINA takes here
                    }
                    if (!method.getName().equals("byTotp")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Principal principal = (Principal) args[0];
                    if (principal.name().equals("mallory")) {
                        malloryCheck.run();
                    } else {
                        othersCheckedOn.set(Thread.currentThread());
                    }
                    return RIGHT_CODE.equals(args[1])
                            ? new AuthResult.Success(principal, "password:" + principal.name())
                            : new AuthResult.Failure(principal.name(), AuthFailure.MFA_FAILED);
                });
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits for {@code gate} until {@code deadline} ({@link System#nanoTime}) at most. */
    private static void awaitUntil(CountDownLatch gate, long deadline) {
        try {
            gate.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
