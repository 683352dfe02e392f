package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.mfa.Totp;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientUserAuthService;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the two steps of a password login of an account whose role requires MFA ({@code
 * password,keyboard-interactive}) are answered, asked by a real MINA client of a real server and core: a wrong code
 * after a right password, which the core checks (catalog reads, the secret's unwrap, a lockout and an audit write),
 * is answered in the same time slot as a wrong code after a wrong password, which is only scored: exactly the code
 * step's floor ({@link AnswerFloor#CODE_STEP}) after the code arrived, never before. Likewise the password step, right
 * or wrong, exactly {@link AnswerFloor#PASSWORD_STEP} after the password arrived. Before {@link AnswerFloor}, a
 * refused password's code step was answered in about 2 ms and a right password's wrong code in 5-143 ms, so the
 * code step's answer time told a password guesser which guess was right.
 *
 * <p>What is asserted is causal, not a wall-clock measure (which a loaded machine skews: a 10 ms bound on the medians
 * of real answer times was this test before): the floors count in the test's time and their answers wait on the
 * test's timer ({@link VirtualTime}, given to the server's {@link AuthSteps}). The test moves its time only where it
 * says: each check the core makes takes {@link #CHECK} of it (the right password's code check, the wrong password's
 * password check), so a floor counted from the decision, not the arrival, would be due {@link #CHECK} late; and an
 * answer sent without waiting for its floor reaches the client while the test's timer holds nothing, which the test
 * sees (it waits for one of the two, never for a time). Each answer is then given only when the test moves its time
 * to the answer's due time and runs it.
 */
class TotpStepTimingSftpIT {

    /** Logins of each kind (right password, wrong password), interleaved; fewer than either lockout allows. */
    private static final int LOGINS = 4;
    /** How long, in the floors' time, each check of the core takes here: most of the code step's floor. */
    private static final Duration CHECK = AnswerFloor.CODE_STEP.minusMillis(100);
    /** The longest the test waits for the server to act: a bound on a hang, never a measure. */
    private static final Duration WAIT = AccessFixture.TIMEOUT;

    @TempDir
    Path directory;

    @Test
    void codeStepAndPasswordStep_areAnsweredAtTheirFloorAfterArrival_whetherThePasswordWasRightOrNot()
            throws Exception {
        VirtualTime time = new VirtualTime();
        try (AccessFixture gateway = AccessFixture.start(directory, MfaClients.policy(), Clock.systemUTC(),
                core -> slowChecks(core, time), new AuthSteps(time, time::now))) {
            MfaClients.tenant(gateway);
            byte[] secret = MfaClients.account(gateway, "right");
            MfaClients.account(gateway, "wrong");
            for (int login = 0; login < 2 * LOGINS; login++) {
                boolean right = login % 2 == 0;
                String user = right ? "right" : "wrong";
                Steps steps = attempt(gateway, time, user, right ? MfaClients.PASSWORD : MfaClients.WRONG,
                        wrongCode(secret));
                assertThat(steps.passwordDue() - steps.passwordArrived()).as("%s password: its answer is due"
                        + " (ns after it arrived)", user).isEqualTo(AnswerFloor.PASSWORD_STEP.toNanos());
                assertThat(steps.codeDue() - steps.codeArrived()).as("the code step after a %s password: its answer"
                        + " is due (ns after the code arrived)", user).isEqualTo(AnswerFloor.CODE_STEP.toNanos());
            }
        }
    }

    /**
     * One login with {@code password} then {@code code} (refused either way), each step's answer given by the test:
     * the arrival and due times of each step, in the test's time.
     */
    private static Steps attempt(AccessFixture gateway, VirtualTime time, String user, String password, String code)
            throws Exception {
        SshClient client = MfaClients.client(ClientUserAuthService::new);
        CoreModuleProperties.PASSWORD_PROMPTS.set(client, 1); // one code per login
        client.setUserInteraction(MfaClients.answering(code, () -> { }));
        client.start();
        try (ClientSession session = client.connect(user, new InetSocketAddress("127.0.0.1", gateway.port()))
                .verify(AccessFixture.TIMEOUT).getSession()) {
            session.addPasswordIdentity(password);
            long passwordArrived = time.now(); // the test's time moves only below: the password arrives at this time
            AuthFuture auth = session.auth();
            Due passwordAnswer = time.next(auth, user + "'s password step");
            time.runAt(passwordAnswer);
            long codeArrived = time.now();
            Due codeAnswer = time.next(auth, user + "'s code step");
            time.runAt(codeAnswer);
            assertThat(auth.await(WAIT.toMillis())).as("the login ended once its code step was answered").isTrue();
            assertThat(session.isAuthenticated()).as("the code is wrong").isFalse();
            return new Steps(passwordArrived, passwordAnswer.at(), codeArrived, codeAnswer.at());
        } finally {
            client.stop();
        }
    }

    /**
     * The core, whose right password's code check and wrong password's password check each take {@link #CHECK} of
     * the test's time (a right password is not slowed at the password step, nor a wrong one at the code step, which
     * the core never checks).
     */
    private static Authenticator slowChecks(Authenticator core, VirtualTime time) {
        return (Authenticator) Proxy.newProxyInstance(TotpStepTimingSftpIT.class.getClassLoader(),
                new Class<?>[] {Authenticator.class}, (proxy, called, args) -> {
                    boolean slow = called.getName().equals("byTotp")
                            || (called.getName().equals("firstFactorByPassword")
                                    && MfaClients.WRONG.equals(new String((char[]) args[1])));
                    if (slow) {
                        time.advance(CHECK);
                    }
                    try {
                        return called.invoke(core, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A code none of the accepted steps gives. */
    private static String wrongCode(byte[] secret) {
        long now = Totp.step(Instant.now());
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            boolean accepted = false;
            for (long step = now - 2; step <= now + 2; step++) {
                accepted |= code.equals(Totp.code(secret, step));
            }
            if (!accepted) {
                return code;
            }
        }
    }

    /** Both steps' arrival and due times, in the test's time. */
    private record Steps(long passwordArrived, long passwordDue, long codeArrived, long codeDue) {
    }

    /** An answer put on the test's timer: when it is due (the test's time) and what gives it. */
    private record Due(long at, Runnable answer) {
    }

    /**
     * The time the server's floors count in, and the timer their answers wait on: the time moves only when the test
     * moves it (or a check takes some of it), and an answer put on the timer is given only when the test runs it.
     */
    private static final class VirtualTime extends ScheduledThreadPoolExecutor {

        private final AtomicLong now = new AtomicLong(1_000_000_000L);
        private final BlockingQueue<Due> answers = new LinkedBlockingQueue<>();

        VirtualTime() {
            super(1);
        }

        long now() {
            return now.get();
        }

        void advance(Duration by) {
            now.addAndGet(by.toNanos());
        }

        /** Where {@link AnswerFloor} puts an answer whose floor has not passed: held for the test. */
        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            answers.add(new Due(now.get() + unit.toNanos(delay), command));
            return super.schedule(() -> { }, 0, TimeUnit.NANOSECONDS);
        }

        /**
         * The next answer the server puts on this timer. Fails if the login ended first (the step was answered
         * without waiting for its floor), or if none comes within {@link #WAIT} (a hang).
         */
        Due next(AuthFuture login, String step) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                Due due = answers.poll(20, TimeUnit.MILLISECONDS);
                if (due != null) {
                    return due;
                }
                assertThat(login.isDone()).as("%s was answered without waiting for its floor (the login ended, "
                        + "nothing was put on the timer)", step).isFalse();
                assertThat(System.nanoTime() - deadline).as("%s: an answer put on the timer within %s", step, WAIT)
                        .isNegative();
            }
        }

        /** Moves the time to when {@code due} is due and gives it. */
        void runAt(Due due) {
            now.accumulateAndGet(due.at(), Math::max);
            due.answer().run();
        }
    }
}
