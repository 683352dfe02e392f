package io.vaultgate.sftp.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.sftp.testing.BareMinaServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.kex.KexState;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;
import org.apache.sshd.common.session.helpers.TimeoutIndicator.TimeoutStatus;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SteadyClockSession}s of a bare MINA server whose timeouts are 1 s and re-key interval 2.5 s, on a monotonic
 * clock only the test moves: the wall clock's time, however it passes or steps, ends nothing and re-keys nothing, and
 * the test's clock ends and re-keys what it should. The wall clock passes them by sleeping (a second more than each),
 * so they are short: nothing else is timed here.
 */
class SteadyClockSessionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LIMIT = Duration.ofSeconds(1);
    private static final Duration PAST_THE_LIMIT = LIMIT.plusSeconds(1);
    /** The re-key interval: longer than the other tests move the clock, so that they re-key nothing. */
    private static final Duration REKEY = Duration.ofMillis(2500);
    private static final Duration PAST_THE_REKEY = REKEY.plusSeconds(1);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final CompletableFuture<SteadyClockSession> created = new CompletableFuture<>();
    /** Key exchanges the server's sessions completed. */
    private final AtomicInteger keysEstablished = new AtomicInteger();
    private SshServer server;
    private SshClient client;
    private ClientSession clientSession;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        server = BareMinaServer.withPassword(dir);
        CoreModuleProperties.AUTH_TIMEOUT.set(server, LIMIT);
        CoreModuleProperties.IDLE_TIMEOUT.set(server, LIMIT);
        CoreModuleProperties.REKEY_TIME_LIMIT.set(server, REKEY);
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.KeyEstablished) {
                    keysEstablished.incrementAndGet();
                }
            }
        });
        server.setSessionFactory(new SessionFactory(server) {
            @Override
            protected ServerSessionImpl doCreateSession(IoSession ioSession) throws Exception {
                SteadyClockSession session = new SteadyClockSession(getServer(), ioSession, nanos::get);
                created.complete(session);
                return session;
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
    void anAuthenticatingConnection_outlivesTheLimitOnTheWallClock_andEndsOnTheMonotonicOne() throws Exception {
        SteadyClockSession session = serverSession();
        Thread.sleep(PAST_THE_LIMIT.toMillis()); // MINA's timer checks once a second

        assertThat(clientSession.isOpen()).as("open after the limit on the wall clock").isTrue();
        assertThat(session.checkAuthenticationTimeout(Instant.now().plus(Duration.ofHours(1)), LIMIT))
                .as("a step of the wall clock").isNull();

        nanos.addAndGet(PAST_THE_LIMIT.toNanos());

        assertThat(clientSession.waitFor(EnumSet.of(ClientSessionEvent.CLOSED), TIMEOUT))
                .as("MINA's timer ends it").contains(ClientSessionEvent.CLOSED);
    }

    @Test
    void authenticationDeadline_countsFromTheConnection_whateverRestartsMinas() throws Exception {
        SteadyClockSession session = serverSession();
        nanos.addAndGet(PAST_THE_LIMIT.toNanos());

        session.resetAuthTimeout(); // as MINA does for each new ssh-userauth service a client asks for
        TimeoutIndicator expired = session.checkAuthenticationTimeout(Instant.now(), LIMIT);

        assertThat(expired.getStatus()).isEqualTo(TimeoutStatus.AuthTimeout);
        assertThat(expired.getExpiredValue()).isEqualTo(PAST_THE_LIMIT);
    }

    @Test
    void idleTimeout_runsOnTheMonotonicClock_andTrafficRestartsIt() throws Exception {
        clientSession.addPasswordIdentity(BareMinaServer.PASSWORD);
        clientSession.auth().verify(TIMEOUT);
        SteadyClockSession session = serverSession();
        awaitNoTraffic(session);
        nanos.addAndGet(PAST_THE_LIMIT.toNanos());

        assertThat(session.checkIdleTimeout(Instant.now().minus(Duration.ofHours(1)), LIMIT).getStatus())
                .as("a wall clock stepped back keeps no stalled session").isEqualTo(TimeoutStatus.IdleTimeout);

        session.resetIdleTimeout(); // as MINA does for each packet read or written

        assertThat(session.checkIdleTimeout(Instant.now(), LIMIT)).isNull();
    }

    /**
     * review22a: MINA measured the re-key interval on the wall clock, so a wall clock stepped back kept a connection on
     * one key past the interval, and one stepped forward re-keyed every connection at once. Past the interval on the
     * wall clock, nothing is due; past it on the monotonic clock, the next packet re-keys, and the new keys restart it.
     */
    @Test
    void rekeyInterval_runsOnTheMonotonicClock_notOnTheWallClock() throws Exception {
        clientSession.addPasswordIdentity(BareMinaServer.PASSWORD);
        clientSession.auth().verify(TIMEOUT);
        SteadyClockSession session = serverSession();
        int keyed = keysEstablished.get();
        Thread.sleep(PAST_THE_REKEY.toMillis());

        assertThat(session.isRekeyTimeIntervalExceeded()).as("past the interval on the wall clock only").isFalse();

        // the clock's step must not count as idleness too: MINA's timer could close the session before the re-key
        CoreModuleProperties.IDLE_TIMEOUT.set(session, Duration.ofHours(1));
        nanos.addAndGet(PAST_THE_REKEY.toNanos());
        assertThat(session.isRekeyTimeIntervalExceeded()).as("past it on the monotonic clock").isTrue();
        clientSession.sendIgnoreMessage(new byte[] {1}).verify(TIMEOUT); // MINA checks after each message it handles
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (keysEstablished.get() == keyed) {
            assertThat(System.nanoTime()).as("the server re-keyed").isLessThan(deadline);
            Thread.sleep(10);
        }
        awaitKexDone(session);
        assertThat(session.isRekeyTimeIntervalExceeded()).as("the new keys restart the interval").isFalse();
        assertThat(clientSession.isOpen()).isTrue();
    }

    /** Until the session's key exchange has ended (its new keys in effect both ways). */
    private static void awaitKexDone(SteadyClockSession session) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (session.getKexState() != KexState.DONE) {
            assertThat(System.nanoTime()).as("the key exchange ended").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private SteadyClockSession serverSession() throws Exception {
        return created.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Until the server has sent and read nothing for 300 ms, so that no packet after login restarts the idle time. */
    private static void awaitNoTraffic(SteadyClockSession session) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Instant last = session.getIdleTimeoutStart();
        while (true) {
            Thread.sleep(300);
            Instant now = session.getIdleTimeoutStart();
            if (now.equals(last)) {
                return;
            }
            assertThat(System.nanoTime()).as("the session fell quiet").isLessThan(deadline);
            last = now;
        }
    }
}
