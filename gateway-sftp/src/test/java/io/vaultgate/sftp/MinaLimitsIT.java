package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.AuthFailureCounts;
import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.SshException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Limits, password logins, locked tenants and concurrency, through MINA's client. */
class MinaLimitsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withSettings(settings -> settings.withLimits(
            new SftpLimits(3, Duration.ofSeconds(10), Duration.ofMinutes(1), 3, 25, 30)));

    @BeforeAll
    static void start() throws Exception {
        gateway.core().administration().createTenant(TenantId.of("pw-co"), "Password Co", true);
        gateway.core().administration().createAccount(TenantId.of("pw-co"), "dave");
        gateway.core().administration().setPassword("dave", "correct horse battery".toCharArray());
    }

    @Test
    void tooManyOpenHandles_isRefusedWithAStatus() throws Exception {
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = alice.sftp();
            List<SftpClient.CloseableHandle> handles = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                handles.add(sftp.openDir("/inbox"));
            }
            assertThatThrownBy(() -> sftp.openDir("/inbox")).isInstanceOf(SftpException.class);
            handles.get(0).close();
            sftp.openDir("/inbox").close();
        }
    }

    @Test
    void passwordLogin_worksWhereTheTenantAllowsIt() throws Exception {
        try (ClientSessionHolder dave = password("dave", "correct horse battery")) {
            assertThat(dave.session.isAuthenticated()).isTrue();
        }
    }

    @Test
    void wrongPassword_isRefused() {
        assertThatThrownBy(() -> password("dave", "wrong").close()).isInstanceOf(Exception.class);
    }

    @Test
    void passwordLogin_isRefusedWhereTheTenantDoesNotAllowIt_fromTheNextLoginAfterItIsTurnedOff() throws Exception {
        TenantId acme = TenantId.of(TestSftpGateway.TENANT);
        gateway.core().administration().setPasswordLogin(acme, true);
        gateway.core().administration().setPassword(TestSftpGateway.ALICE, "alice's password".toCharArray());
        try (ClientSessionHolder alice = password(TestSftpGateway.ALICE, "alice's password")) {
            assertThat(alice.session.isAuthenticated()).isTrue();
        } finally {
            gateway.core().administration().setPasswordLogin(acme, false); // the shared tenant as it was
        }

        // an authentication failure for that reason, not a refused connection or a time-out (review31 L11)
        AuthFailureCounts.Change<Throwable> refused = new AuthFailureCounts(gateway.core().metrics().registry())
                .during(() -> passwordRefusal(TestSftpGateway.ALICE, "alice's password"));
        assertThat(refused.answer()).isInstanceOf(SshException.class)
                .hasMessageContaining("No more authentication methods available");
        assertThat(refused.increase()).containsOnlyKeys("sftp/method_not_allowed");
    }

    @Test
    void lockedTenant_cannotLogIn() throws Exception {
        Path key = gateway.addClient("locked-co", "erin");
        MinaSftp.connect(gateway.port(), "erin", key).close();
        gateway.core().administration().lock(TenantId.of("locked-co"));
        assertThatThrownBy(() -> MinaSftp.connect(gateway.port(), "erin", key).close()).isInstanceOf(Exception.class);
    }

    @Test
    void lockingTheTenant_refusesTheNextUploadOfALiveSession() throws Exception {
        Path key = gateway.addClient("live-co", "frank");
        try (MinaSftp frank = MinaSftp.connect(gateway.port(), "frank", key)) {
            assertThat(frank.sftp().stat("/inbox").isDirectory()).isTrue();
            gateway.core().administration().lock(TenantId.of("live-co"));
            Throwable refusal = catchThrowable(() -> {
                try (var out = frank.sftp().write("/inbox/after-lock.txt")) {
                    out.write(1);
                }
            });
            // the core refused the upload, or the lockdown ended the tenant's session first (the client then
            // fails with whichever of its own exceptions it hits on the closing channel)
            if (refusal instanceof SftpException sftp) {
                assertThat(sftp.getStatus()).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED);
            } else {
                assertThat(refusal).isInstanceOf(IOException.class);
                assertThat(frank.session().waitFor(EnumSet.of(ClientSessionEvent.CLOSED), TIMEOUT))
                        .as("the locked tenant's session was ended").contains(ClientSessionEvent.CLOSED);
            }
        }
        gateway.core().administration().unlock(TenantId.of("live-co"));
        try (MinaSftp frank = MinaSftp.connect(gateway.port(), "frank", key)) {
            assertThatThrownBy(() -> frank.sftp().stat("/inbox/after-lock.txt"))
                    .as("nothing was stored").isInstanceOf(SftpException.class);
        }
    }

    @Test
    void twentyParallelSessions_uploadAndReadBack() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    byte[] data = ("session " + n + " ").repeat(20_000).getBytes(StandardCharsets.UTF_8);
                    try (MinaSftp client = gateway.mina(n % 2 == 0 ? TestSftpGateway.ALICE : TestSftpGateway.BOB)) {
                        String path = "/inbox/parallel-" + n + ".txt";
                        try (SftpClient.CloseableHandle handle = client.sftp().open(path,
                                EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate))) {
                            for (int offset = 0; offset < data.length; offset += 32768) {
                                client.sftp().write(handle, offset, data, offset, Math.min(32768, data.length - offset));
                            }
                        }
                        byte[] back = client.sftp().read(path).readAllBytes();
                        return new String(back, StandardCharsets.UTF_8).equals(new String(data, StandardCharsets.UTF_8))
                                ? "ok" : "mismatch " + n;
                    }
                }));
            }
            for (Future<String> result : results) {
                assertThat(result.get()).isEqualTo("ok");
            }
        } finally {
            pool.shutdownNow();
        }
        // Every session's SFTP thread ends once its session is closed (it is never interrupted, see
        // NonInterruptingExecutor, so this guards against a leak).
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (sftpThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(sftpThreads()).isZero();
    }

    private static long sftpThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().contains("sftp-session") && t.isAlive()).count();
    }

    private static ClientSessionHolder password(String user, String password) throws Exception {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        try {
            ClientSession session = client.connect(user, "127.0.0.1", gateway.port()).verify(TIMEOUT).getSession();
            session.addPasswordIdentity(password);
            session.auth().verify(TIMEOUT);
            return new ClientSessionHolder(client, session);
        } catch (Exception e) {
            client.stop();
            throw e;
        }
    }

    /**
     * Connects as {@code user} (which must succeed), offers {@code password}, and returns why the authentication
     * failed: MINA's client ends it with an {@link SshException} once the server accepted none of its methods.
     */
    private static Throwable passwordRefusal(String user, String password) throws Exception {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        try (ClientSession session = client.connect(user, "127.0.0.1", gateway.port()).verify(TIMEOUT).getSession()) {
            session.addPasswordIdentity(password);
            Throwable refusal = catchThrowable(() -> session.auth().verify(TIMEOUT));
            assertThat(session.isAuthenticated()).as("authenticated").isFalse();
            return refusal;
        } finally {
            client.stop();
        }
    }

    private record ClientSessionHolder(SshClient client, ClientSession session) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            session.close(false).await(TIMEOUT);
            client.stop();
        }
    }
}
