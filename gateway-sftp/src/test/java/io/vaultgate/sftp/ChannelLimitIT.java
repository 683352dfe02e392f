package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One SSH connection opens at most {@link SftpLimits#DEFAULT_MAX_CHANNELS_PER_CONNECTION} channels at once, as
 * OpenSSH's {@code MaxSessions}: each SFTP channel has its own subsystem thread, request window and handle limit, so
 * without the cap one authenticated connection multiplies all three.
 */
class ChannelLimitIT {

    private static final int CAP = SftpLimits.DEFAULT_MAX_CHANNELS_PER_CONNECTION;

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    @Test
    void channelOverTheCap_isRefusedAndTheConnectionKeepsWorking() throws Exception {
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            List<SftpClient> extra = new ArrayList<>();
            try {
                for (int i = 1; i < CAP; i++) {
                    extra.add(SftpClientFactory.instance().createSftpClient(alice.session()));
                }
                assertThatThrownBy(() -> SftpClientFactory.instance().createSftpClient(alice.session()).close())
                        .hasRootCauseInstanceOf(SshChannelOpenException.class)
                        .rootCause().satisfies(refused -> assertThat(((SshChannelOpenException) refused)
                                .getReasonCode()).isEqualTo(SshConstants.SSH_OPEN_CONNECT_FAILED));

                assertThat(alice.session().isOpen()).isTrue();
                assertThat(alice.sftp().stat("/inbox").isDirectory()).isTrue();
                assertThat(extra.get(CAP - 2).stat("/inbox").isDirectory()).isTrue();
            } finally {
                for (SftpClient client : extra) {
                    client.close();
                }
            }
        }
    }

    @Test
    void closingAChannel_givesItsPlaceBack() throws Exception {
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            List<SftpClient> extra = new ArrayList<>();
            try {
                for (int i = 1; i < CAP; i++) {
                    extra.add(SftpClientFactory.instance().createSftpClient(alice.session()));
                }
                extra.remove(0).close();

                SftpClient again = openOnceServerForgotTheClosedOne(alice);
                extra.add(again);
                assertThat(again.stat("/outbox").isDirectory()).isTrue();
                assertThatThrownBy(() -> SftpClientFactory.instance().createSftpClient(alice.session()).close())
                        .hasRootCauseInstanceOf(SshChannelOpenException.class);
            } finally {
                for (SftpClient client : extra) {
                    client.close();
                }
            }
        }
    }

    /** The client's close returns before the server has removed the channel; retry until it has. */
    private static SftpClient openOnceServerForgotTheClosedOne(MinaSftp client) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                return SftpClientFactory.instance().createSftpClient(client.session());
            } catch (Exception refused) {
                if (System.nanoTime() > deadline) {
                    throw refused;
                }
                Thread.sleep(50);
            }
        }
    }
}
