package io.vaultgate.sftp.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;
import org.apache.sshd.common.session.helpers.TimeoutIndicator.TimeoutStatus;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SteadyClockSession}s of a bare MINA server, whose monotonic clock the test moves. */
class SteadyClockSessionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private SshServer server;
    private SshClient client;
    private ClientSession clientSession;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host.key")));
        server.setPasswordAuthenticator((user, password, s) -> "secret".equals(password));
        server.setSessionFactory(new SessionFactory(server) {
            @Override
            protected ServerSessionImpl doCreateSession(IoSession ioSession) throws Exception {
                return new SteadyClockSession(getServer(), ioSession, nanos::get);
            }
        });
        server.start();
        client = SshClient.setUpDefaultClient();
        client.start();
        clientSession = client.connect("u", "127.0.0.1", server.getPort()).verify(TIMEOUT).getSession();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        server.stop(true);
    }

    @Test
    void wallClockStepForward_doesNotEndAnAuthenticatingConnection() throws Exception {
        SteadyClockSession session = serverSession();

        assertThat(session.checkAuthenticationTimeout(Instant.now().plus(Duration.ofHours(1)), LIMIT)).isNull();
        assertThat(session.checkIdleTimeout(Instant.now().plus(Duration.ofHours(1)), LIMIT)).isNull();
    }

    @Test
    void authenticationTimeout_runsOnTheMonotonicClock() throws Exception {
        SteadyClockSession session = serverSession();
        nanos.addAndGet(LIMIT.plusSeconds(1).toNanos());

        TimeoutIndicator expired = session.checkAuthenticationTimeout(Instant.now(), LIMIT);

        assertThat(expired.getStatus()).isEqualTo(TimeoutStatus.AuthTimeout);
        assertThat(expired.getExpiredValue()).isEqualTo(LIMIT.plusSeconds(1));
    }

    @Test
    void idleTimeout_runsOnTheMonotonicClock_andTrafficRestartsIt() throws Exception {
        clientSession.addPasswordIdentity("secret");
        clientSession.auth().verify(TIMEOUT);
        SteadyClockSession session = serverSession();
        nanos.addAndGet(LIMIT.plusSeconds(1).toNanos());

        assertThat(session.checkIdleTimeout(Instant.now(), LIMIT).getStatus()).isEqualTo(TimeoutStatus.IdleTimeout);
        assertThat(session.checkAuthenticationTimeout(Instant.now(), LIMIT)).isNull();

        session.resetIdleTimeout();

        assertThat(session.checkIdleTimeout(Instant.now(), LIMIT)).isNull();
        assertThat(session.checkIdleTimeout(Instant.now().minus(Duration.ofHours(1)), Duration.ofSeconds(1))).isNull();
    }

    private SteadyClockSession serverSession() {
        return (SteadyClockSession) server.getActiveSessions().get(0);
    }
}
