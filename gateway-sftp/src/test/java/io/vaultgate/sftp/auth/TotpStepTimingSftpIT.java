package io.vaultgate.sftp.auth;

import static io.vaultgate.sftp.auth.MfaClients.median;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.mfa.Totp;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientUserAuthService;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long the two steps of a password login of an account whose role requires MFA ({@code
 * password,keyboard-interactive}) take to answer, measured by a real MINA client: they must not tell whether the
 * password was right. Before {@link AnswerFloor}, a refused password's code step was answered in about 2 ms and a
 * right password's wrong code, which the core checks (catalog reads, the secret's unwrap, a lockout and an audit
 * write), in 5-143 ms on SQLite (medians 15-45 ms), so the code step's answer time told a password guesser which
 * guess was right.
 * Now each step is answered no sooner than its floor ({@link AnswerFloor#PASSWORD_STEP}, {@link
 * AnswerFloor#CODE_STEP}) after its request arrived, whatever the outcome.
 *
 * <p>The password step's own time varies far more than the code step's (its Argon2id check: 100-600 ms each on a
 * loaded 2-core machine, which its floor covers only while the machine is not loaded more), so only its floor is
 * asserted; the code step's medians are compared too.
 *
 * <p>Each step's time is the client's: from just before it sends the request (the moment it answers the prompt,
 * or receives the answer its password request follows) to the server's answer, so it can only exceed the server's
 * own. Right and wrong passwords are interleaved, several of each, and compared by their medians. Each account
 * takes fewer wrong codes than the TOTP lockout allows (10 at most), so none is locked mid-run.
 */
class TotpStepTimingSftpIT {

    /** Measured pairs (right password, wrong password), after one pair to warm up. */
    private static final int PAIRS = 12;
    private static final int ATTEMPTS_PER_ACCOUNT = 6;
    /** Well below the 12-42 ms the medians differed by before the floors (SQLite, loaded machine). */
    private static final long MEDIAN_MARGIN_MILLIS = 10;

    @TempDir
    Path directory;

    @Test
    void codeStepAndPasswordStep_takeAsLong_whetherThePasswordWasRightOrNot() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, MfaClients.policy())) {
            MfaClients.tenant(gateway);
            int accounts = (PAIRS + 1 + ATTEMPTS_PER_ACCOUNT - 1) / ATTEMPTS_PER_ACCOUNT;
            List<byte[]> secrets = new ArrayList<>();
            for (int i = 0; i < accounts; i++) {
                secrets.add(MfaClients.account(gateway, "right" + i));
                MfaClients.account(gateway, "wrong" + i);
            }

            List<Long> rightCode = new ArrayList<>();
            List<Long> wrongCode = new ArrayList<>();
            List<Long> rightPassword = new ArrayList<>();
            List<Long> wrongPassword = new ArrayList<>();
            for (int pair = 0; pair <= PAIRS; pair++) {
                int account = pair / ATTEMPTS_PER_ACCOUNT;
                String code = wrongCode(secrets.get(account));
                // alternate which goes first, so that neither always follows the other
                Timing right = null;
                Timing wrong = null;
                if (pair % 2 == 0) {
                    right = attempt(gateway, "right" + account, MfaClients.PASSWORD, code);
                    wrong = attempt(gateway, "wrong" + account, MfaClients.WRONG, code);
                } else {
                    wrong = attempt(gateway, "wrong" + account, MfaClients.WRONG, code);
                    right = attempt(gateway, "right" + account, MfaClients.PASSWORD, code);
                }
                if (pair == 0) {
                    continue; // warm-up
                }
                rightCode.add(right.codeStepNanos());
                wrongCode.add(wrong.codeStepNanos());
                rightPassword.add(right.passwordStepNanos());
                wrongPassword.add(wrong.passwordStepNanos());
            }
            System.out.printf("code step ms: right password %s%n  wrong password %s%npassword step ms: right %s%n"
                    + "  wrong %s%n", millis(rightCode), millis(wrongCode), millis(rightPassword),
                    millis(wrongPassword));

            long codeFloor = AnswerFloor.CODE_STEP.toNanos();
            long passwordFloor = AnswerFloor.PASSWORD_STEP.toNanos();
            assertThat(rightCode).as("the code step after a right password: never before the floor")
                    .allMatch(t -> t >= codeFloor);
            assertThat(wrongCode).as("the code step after a wrong password: never before the floor")
                    .allMatch(t -> t >= codeFloor);
            assertThat(rightPassword).as("the password step, right: never before the floor")
                    .allMatch(t -> t >= passwordFloor);
            assertThat(wrongPassword).as("the password step, wrong: never before the floor")
                    .allMatch(t -> t >= passwordFloor);
            assertThat(Math.abs(median(rightCode) - median(wrongCode)))
                    .as("the code step's medians, right and wrong password (ns)")
                    .isLessThan(Duration.ofMillis(MEDIAN_MARGIN_MILLIS).toNanos());
        }
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

    private static List<Long> millis(List<Long> nanos) {
        return nanos.stream().map(n -> Duration.ofNanos(n).toMillis()).sorted().toList();
    }

    /** The client-side times of one login's steps. */
    private record Timing(long passwordStepNanos, long codeStepNanos) {
    }

    /**
     * Logs in with {@code password} then {@code code} (refused either way) and times each step: the password step
     * from the answer to {@code none} (the client then sends its password) to the partial success, the code step
     * from the prompt's answer to the failure that follows.
     */
    private static Timing attempt(AccessFixture gateway, String user, String password, String code)
            throws Exception {
        List<long[]> answers = new CopyOnWriteArrayList<>(); // {cmd, nanoTime}
        long[] answered = new long[1];
        SshClient client = MfaClients.client(session -> new ClientUserAuthService(session) {
            @Override
            public void process(int cmd, Buffer buffer) throws Exception {
                answers.add(new long[] {cmd, System.nanoTime()});
                super.process(cmd, buffer);
            }
        });
        CoreModuleProperties.PASSWORD_PROMPTS.set(client, 1); // one code per login: each is counted
        client.setUserInteraction(MfaClients.answering(code, () -> answered[0] = System.nanoTime()));
        client.start();
        try (ClientSession session = client.connect(user, new InetSocketAddress("127.0.0.1", gateway.port()))
                .verify(AccessFixture.TIMEOUT).getSession()) {
            session.addPasswordIdentity(password);
            try {
                session.auth().verify(AccessFixture.TIMEOUT);
            } catch (Exception refused) {
                // expected: the code is wrong
            }
            assertThat(session.isAuthenticated()).isFalse();
            // the answers: failure (to none), failure partial (to the password), failure (to the code)
            List<long[]> failures = answers.stream().filter(a -> a[0] == SshConstants.SSH_MSG_USERAUTH_FAILURE)
                    .toList();
            assertThat(failures).as("answers to none, the password and the code").hasSizeGreaterThanOrEqualTo(3);
            assertThat(answered[0]).as("the code was asked for").isPositive();
            long passwordStep = failures.get(1)[1] - failures.get(0)[1];
            long codeStep = failures.get(2)[1] - answered[0];
            return new Timing(passwordStep, codeStep);
        } finally {
            client.stop();
        }
    }
}
