package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.sftp.events.SftpMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AnswerFloor}: an authentication step's answer is given no sooner than the floor after its request arrived,
 * on the timer, while the thread that decided (MINA's I/O thread) goes on at once; and the TOTP step answers through
 * it. Sessions are stand-ins ({@link FakeSessions}) whose server gives the timer.
 */
class AnswerFloorTest {

    private static final Duration FLOOR = Duration.ofMillis(200);

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void theWaitIsTheFloorLessTheTimeTheDecisionTook_neverNegative() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        List<Long> delays = new CopyOnWriteArrayList<>();
        ScheduledThreadPoolExecutor recording = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
                delays.add(unit.toNanos(delay));
                return super.schedule(() -> { }, 0, TimeUnit.NANOSECONDS);
            }
        };
        try {
            AnswerFloor floor = new AnswerFloor(FLOOR, session -> recording, now::get);
            long arrived = floor.arrived();
            floor.answer(session(recording), arrived, false);
            now.addAndGet(Duration.ofMillis(60).toNanos());
            floor.answer(session(recording), arrived, true);
            now.addAndGet(Duration.ofMillis(500).toNanos());
            List<Boolean> late = new CopyOnWriteArrayList<>();
            floor.answer(session(recording), arrived, false).addListener(late::add);
            assertThat(delays).containsExactly(FLOOR.toNanos(), FLOOR.minusMillis(60).toNanos());
            assertThat(late).as("past the floor: answered at once by the deciding thread, not scheduled")
                    .containsExactly(false);
        } finally {
            recording.shutdownNow();
        }
    }

    @Test
    void everyOutcome_isAnsweredNoSoonerThanTheFloor_andTheDecidingThreadGoesOnAtOnce() throws Exception {
        Duration wait = Duration.ofSeconds(1); // far longer than two calls take, class loading done
        AnswerFloor floor = new AnswerFloor(wait, session -> timer, System::nanoTime);
        ServerSession session = session(timer);
        CountDownLatch warm = new CountDownLatch(1);
        floor.answer(session, floor.arrived() - wait.toNanos(), true).addListener(ok -> warm.countDown());
        assertThat(warm.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch answered = new CountDownLatch(2);
        List<String> answers = new CopyOnWriteArrayList<>();

        // one thread, as MINA's I/O thread: two sessions' steps arrive one after the other
        long first = floor.arrived();
        AsyncAuthException right = floor.answer(session, first, true);
        long second = floor.arrived();
        AsyncAuthException wrong = floor.answer(session, second, false);
        long returned = System.nanoTime();
        right.addListener(ok -> {
            answers.add("first=" + ok + " after " + (System.nanoTime() - first >= wait.toNanos()));
            answered.countDown();
        });
        wrong.addListener(ok -> {
            answers.add("second=" + ok + " after " + (System.nanoTime() - second >= wait.toNanos()));
            answered.countDown();
        });

        assertThat(answers).as("nothing answered when both steps were handed over").isEmpty();
        assertThat(Duration.ofNanos(returned - first)).as("the deciding thread did not wait").isLessThan(wait);
        assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(answers).as("each answered, and not before the floor after its own arrival")
                .containsExactlyInAnyOrder("first=true after true", "second=false after true");
    }

    /** The code step after a refused password (no principal on the session) is answered through the floor. */
    @Test
    void theTotpStep_answersThroughTheFloor_neverAtOnce() throws Exception {
        // no principal and no refused first step: no call reaches the core
        CoreUserAuthenticator core = new CoreUserAuthenticator(FakeSessions.unreachedAuthenticator(),
                new SftpMetrics(new SimpleMeterRegistry()));
        TotpKeyboardInteractive step = new TotpKeyboardInteractive(null, core);
        ServerSession session = session(timer);

        long arrived = System.nanoTime();
        FakeSessions.Answer answer = FakeSessions.answer(
                () -> step.authenticate(session, "alice", List.of("123456")), arrived); // MINA is answered later
        assertThat(answer.authed()).as("refused").isFalse();
        assertThat(answer.after()).as("no sooner than the floor").isGreaterThanOrEqualTo(AnswerFloor.CODE_STEP);
    }

    @Test
    void aServerWhoseTimerStopped_closesTheSession_insteadOfAnsweringEarly() {
        timer.shutdownNow();
        List<Object> closed = new CopyOnWriteArrayList<>();
        AnswerFloor floor = new AnswerFloor(FLOOR, session -> timer, System::nanoTime);
        AsyncAuthException pending = floor.answer(FakeSessions.withTimer(timer, closed), floor.arrived(), true);
        List<Boolean> answers = new CopyOnWriteArrayList<>();
        pending.addListener(answers::add);
        assertThat(answers).as("never answered").isEmpty();
        assertThat(closed).as("closed at once").containsExactly(true);
    }

    private static ServerSession session(ScheduledExecutorService timer) {
        return FakeSessions.withTimer(timer, new CopyOnWriteArrayList<>());
    }
}
