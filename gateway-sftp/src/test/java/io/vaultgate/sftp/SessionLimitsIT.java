package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Authentication timeout, idle timeout and the per-account session cap, with short limits. */
class SessionLimitsIT {

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withSettings(settings -> settings.withLimits(
            new SftpLimits(3, Duration.ofSeconds(2), Duration.ofSeconds(3), 8, 1, 10)));

    @Test
    void unauthenticatedConnection_isClosedAfterTheAuthTimeout() throws Exception {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        try {
            ClientSession session = client.connect("alice", "127.0.0.1", gateway.port())
                    .verify(Duration.ofSeconds(10)).getSession();
            assertThat(session.waitFor(java.util.EnumSet.of(ClientSession.ClientSessionEvent.CLOSED),
                    Duration.ofSeconds(10))).contains(ClientSession.ClientSessionEvent.CLOSED);
        } finally {
            client.stop();
        }
    }

    @Test
    void idleSession_isClosedAfterTheIdleTimeout() throws Exception {
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            long started = System.nanoTime();
            while (alice.session().isOpen() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15)) {
                Thread.sleep(200);
            }
            assertThat(alice.session().isOpen()).isFalse();
        }
    }

    @Test
    void secondSessionOfTheSameAccount_isRefusedOverTheCap() throws Exception {
        try (MinaSftp first = gateway.mina(TestSftpGateway.BOB)) {
            assertThatThrownBy(() -> gateway.mina(TestSftpGateway.BOB).close()).isInstanceOf(Exception.class);
            assertThat(first.sftp().stat("/inbox").isDirectory()).isTrue();
        }
    }
}
