package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.mfa.Totp;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientUserAuthService;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A right password and a right code whose success MINA never sends, because the client sent another message, or
 * left, before the code step's floor (review 20b L1): the success stays on record as decided (the login's
 * {@code auth.succeeded}, before any answer: fail closed; the code used up), and {@code auth.undelivered} follows it,
 * so the audit no longer shows a login that never became a session as one that did. A login whose success is sent
 * records none.
 */
class UndeliveredLoginSftpIT {

    @TempDir
    Path directory;

    @Test
    void aSuccessDroppedForAnotherRequest_orTheClientLeaving_isAuditedUndelivered_aDeliveredOneIsNot()
            throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, MfaClients.policy())) {
            MfaClients.tenant(gateway);
            byte[] pipelining = MfaClients.account(gateway, "pipelining");
            byte[] leaving = MfaClients.account(gateway, "leaving");
            byte[] staying = MfaClients.account(gateway, "staying");

            // a 'none' request written right behind the right code: MINA drops the pending success
            assertThat(login(gateway, "pipelining", code(pipelining), (session, user) -> {
                try {
                    Buffer none = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_REQUEST);
                    none.putString(user);
                    none.putString("ssh-connection");
                    none.putString("none");
                    session.writePacket(none);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).as("pipelining: not logged in").isFalse();
            // the client closes its session right after the right code
            assertThat(login(gateway, "leaving", code(leaving), (session, user) -> session.close(false)))
                    .as("leaving: not logged in").isFalse();
            assertThat(login(gateway, "staying", code(staying), (session, user) -> { }))
                    .as("staying: logged in").isTrue();

            List<String> events = awaitUndelivered(gateway, 2);
            for (String user : List.of("pipelining", "leaving")) {
                List<String> own = events.stream().filter(e -> e.contains("\"actor\":\"" + user + "\"")
                        && (e.contains("auth.succeeded") || e.contains("auth.undelivered"))).toList();
                assertThat(own).as("%s: the success as decided, then what became of it", user).hasSize(2);
                assertThat(own.get(0)).contains("auth.succeeded", "\"totp\"");
                assertThat(own.get(1)).contains("auth.undelivered", "\"totp\"", "SFTP", "127.0.0.1");
            }
            assertThat(events).filteredOn(e -> e.contains("\"actor\":\"staying\""))
                    .as("a delivered success: auth.succeeded alone")
                    .anyMatch(e -> e.contains("auth.succeeded")).noneMatch(e -> e.contains("auth.undelivered"));
        }
    }

    private static String code(byte[] secret) {
        return Totp.code(secret, Totp.step(Instant.now()));
    }

    /** The audit events once {@code count} {@code auth.undelivered} are among them (10 s at most). */
    private static List<String> awaitUndelivered(AccessFixture gateway, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<String> events = gateway.auditEvents();
            if (events.stream().filter(e -> e.contains("auth.undelivered")).count() >= count
                    || System.nanoTime() > deadline) {
                return events;
            }
            Thread.sleep(50);
        }
    }

    /**
     * Logs in with {@link MfaClients#PASSWORD} and {@code code}, doing {@code afterCode} right after the code is
     * written; whether the session got authenticated (waiting past the code step's floor).
     */
    private static boolean login(AccessFixture gateway, String user, String code,
                                 BiConsumer<Session, String> afterCode) throws Exception {
        SshClient client = MfaClients.client(session -> new ClientUserAuthService(session) {
            private boolean done;

            @Override
            public void process(int cmd, Buffer buffer) throws Exception {
                super.process(cmd, buffer);
                if (cmd == SshConstants.SSH_MSG_USERAUTH_INFO_REQUEST && !done) {
                    done = true; // the INFO_RESPONSE (the code) is written
                    afterCode.accept(session, user);
                }
            }
        });
        CoreModuleProperties.PASSWORD_PROMPTS.set(client, 1);
        client.setUserInteraction(MfaClients.answering(code, () -> { }));
        client.start();
        try (ClientSession session = client.connect(user, new InetSocketAddress("127.0.0.1", gateway.port()))
                .verify(AccessFixture.TIMEOUT).getSession()) {
            session.addPasswordIdentity(MfaClients.PASSWORD);
            try {
                session.auth().verify(Duration.ofSeconds(5));
            } catch (Exception refused) {
                // expected where the success is dropped: the none's failure, or the session closed
            }
            Thread.sleep(AnswerFloor.CODE_STEP.toMillis() + 200); // a late success would have arrived by now
            return session.isAuthenticated();
        } finally {
            client.stop();
        }
    }
}
