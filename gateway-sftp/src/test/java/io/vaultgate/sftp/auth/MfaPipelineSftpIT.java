package io.vaultgate.sftp.auth;

import static io.vaultgate.sftp.auth.MfaClients.median;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientUserAuthService;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floored steps of an MFA login ({@link AnswerFloor}) are decided off MINA's threads ({@link AuthSteps}), which
 * two things a client can measure without waiting for a step's own answer would show otherwise (review 20b):
 * <ul>
 *   <li>MINA handles a session's messages in order, so a request the client pipelines right behind its code (here
 *       {@code none}) was answered only once the code step had been decided on the I/O thread: about 12.8 ms after
 *       a right password's wrong code, 2.9 ms after a refused password's. Now the step's callback throws at once and
 *       the {@code none} is answered as soon after a right password as after a wrong one; the code step's own answer
 *       is never sent (MINA drops a pending answer when another message arrives).</li>
 *   <li>Completing a pending answer takes the session's service lock, which MINA holds while a later request of
 *       the session is decided (an Argon2id check): completed on MINA's one timer thread, that stalled the timer
 *       (MINA's own timeouts with it) for the check's length. Now answers are completed by {@link AuthSteps}'s own
 *       threads, and a password request sent just before the first one's floor leaves MINA's timer alone.</li>
 * </ul>
 */
class MfaPipelineSftpIT {

    /** Measured pairs (right password, wrong password), after one pair to warm up; 3 pairs per account pair. */
    private static final int PAIRS = 10;
    /** Before: 12.8 ms (right) against 2.9 ms (wrong). */
    private static final long MEDIAN_MARGIN_MICROS = 5_000;

    @TempDir
    Path directory;

    @Test
    void aRequestPipelinedBehindTheCode_isAnsweredAsSoon_whetherThePasswordWasRightOrNot() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, MfaClients.policy())) {
            enroll(gateway, "right", "wrong");
            List<Long> right = new ArrayList<>();
            List<Long> wrong = new ArrayList<>();
            for (int i = 0; i <= PAIRS; i++) {
                long r = pipelinedNone(gateway, "right" + (i / 3), MfaClients.PASSWORD);
                long w = pipelinedNone(gateway, "wrong" + (i / 3), MfaClients.WRONG);
                if (i > 0) {
                    right.add(r / 1000);
                    wrong.add(w / 1000);
                }
            }
            System.out.println("pipelined none answered after (us): right password " + right.stream().sorted().toList()
                    + ", wrong password " + wrong.stream().sorted().toList());
            assertThat(Math.abs(median(right) - median(wrong))).as("medians (us) right %s, wrong %s",
                    median(right), median(wrong)).isLessThanOrEqualTo(MEDIAN_MARGIN_MICROS);
            List<Long> all = new ArrayList<>(right);
            all.addAll(wrong);
            assertThat(all).as("each none answered at once, the code step not waited for (us)")
                    .allSatisfy(us -> assertThat(us).isLessThan(AnswerFloor.CODE_STEP.toNanos() / 2000));
        }
    }

    @Test
    void aPasswordRequestJustBeforeTheFloor_doesNotHoldMinasTimer() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, MfaClients.policy())) {
            enroll(gateway, "u");
            ScheduledExecutorService timer = minaTimer(gateway);
            List<Long> lateness = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                lateness.add(timerLateness(gateway, "u" + i, timer));
            }
            System.out.println("MINA timer lateness with a second password request (ms): " + lateness);
            assertThat(lateness).as("MINA's timer runs on time (ms)").allSatisfy(ms -> assertThat(ms).isLessThan(50));
        }
    }

    /** Accounts {@code prefix0} to {@code prefix3} of each prefix, with {@link MfaClients#PASSWORD} and TOTP. */
    private static void enroll(AccessFixture gateway, String... prefixes) throws Exception {
        MfaClients.tenant(gateway);
        for (int a = 0; a < 4; a++) {
            for (String prefix : prefixes) {
                MfaClients.account(gateway, prefix + a);
            }
        }
    }

    /**
     * Logs in with {@code password} and a wrong code, with a {@code none} request written right behind the code;
     * returns the nanoseconds from that write to the first message after it, which must be the {@code none}'s
     * failure and the only message (the code step's answer dropped).
     */
    private static long pipelinedNone(AccessFixture gateway, String user, String password) throws Exception {
        List<long[]> answers = new CopyOnWriteArrayList<>();
        long[] sent = new long[1];
        SshClient client = MfaClients.client(session -> new ClientUserAuthService(session) {
            @Override
            public void process(int cmd, Buffer buffer) throws Exception {
                answers.add(new long[] {cmd, System.nanoTime()});
                super.process(cmd, buffer);
                if (cmd == SshConstants.SSH_MSG_USERAUTH_INFO_REQUEST && sent[0] == 0) {
                    // the INFO_RESPONSE (the code) is written: pipeline a 'none' request right behind it
                    Buffer none = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_REQUEST);
                    none.putString(user);
                    none.putString("ssh-connection");
                    none.putString("none");
                    sent[0] = System.nanoTime();
                    session.writePacket(none);
                }
            }
        });
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        CoreModuleProperties.PASSWORD_PROMPTS.set(client, 1);
        client.setUserInteraction(MfaClients.answering("000000", () -> { }));
        client.start();
        try (ClientSession session = client.connect(user, new InetSocketAddress("127.0.0.1", gateway.port()))
                .verify(AccessFixture.TIMEOUT).getSession()) {
            session.addPasswordIdentity(password);
            try {
                session.auth().verify(Duration.ofSeconds(3));
            } catch (Exception refused) {
                // expected: the code was wrong, and the client gives up after the none's failure
            }
            Thread.sleep(AnswerFloor.CODE_STEP.toMillis() + 100); // a late answer of the code step would be here
            assertThat(sent[0]).as("the code was sent").isPositive();
            List<long[]> after = answers.stream().filter(a -> a[1] > sent[0]).toList();
            assertThat(after).as("the none's failure only").hasSize(1);
            assertThat(after.get(0)[0]).isEqualTo(SshConstants.SSH_MSG_USERAUTH_FAILURE);
            return after.get(0)[1] - sent[0];
        } finally {
            client.stop();
        }
    }

    /**
     * A right password (P1), then, 470 ms later (just before P1's floor), a second password request; at 560 ms a
     * task is put on MINA's timer: returns how many milliseconds late it ran.
     */
    private static long timerLateness(AccessFixture gateway, String user, ScheduledExecutorService timer)
            throws Exception {
        CompletableFuture<Long> lateness = new CompletableFuture<>();
        SshClient client = MfaClients.client(session -> new ClientUserAuthService(session) {
            private boolean first = true;

            @Override
            public void process(int cmd, Buffer buffer) throws Exception {
                super.process(cmd, buffer);
                if (cmd == SshConstants.SSH_MSG_USERAUTH_FAILURE && first) {
                    first = false; // the password request P1 was just written
                    long t1 = System.nanoTime();
                    Thread probe = new Thread(() -> {
                        try {
                            sleepUntil(t1 + 470_000_000L);
                            Buffer p2 = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_REQUEST);
                            p2.putString(user);
                            p2.putString("ssh-connection");
                            p2.putString("password");
                            p2.putBoolean(false);
                            p2.putString(MfaClients.WRONG);
                            session.writePacket(p2);
                            sleepUntil(t1 + 560_000_000L);
                            long s = System.nanoTime();
                            timer.schedule(() -> lateness.complete((System.nanoTime() - s) / 1_000_000), 0,
                                    TimeUnit.NANOSECONDS);
                        } catch (Exception e) {
                            lateness.completeExceptionally(e);
                        }
                    });
                    probe.setDaemon(true);
                    probe.start();
                }
            }
        });
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.start();
        try (ClientSession session = client.connect(user, new InetSocketAddress("127.0.0.1", gateway.port()))
                .verify(AccessFixture.TIMEOUT).getSession()) {
            session.addPasswordIdentity(MfaClients.PASSWORD);
            session.auth();
            return lateness.get(20, TimeUnit.SECONDS);
        } finally {
            client.stop();
        }
    }

    /** The running server's MINA timer (its scheduled executor), which also runs MINA's timeouts. */
    private static ScheduledExecutorService minaTimer(AccessFixture gateway) throws ReflectiveOperationException {
        Field frontEnd = AccessFixture.class.getDeclaredField("server");
        frontEnd.setAccessible(true);
        Object sftp = frontEnd.get(gateway);
        Field server = sftp.getClass().getDeclaredField("server");
        server.setAccessible(true);
        return ((SshServer) server.get(sftp)).getScheduledExecutorService();
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }
}
