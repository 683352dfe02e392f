package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One SSH connection opens at most {@link SftpLimits#DEFAULT_MAX_CHANNELS_PER_CONNECTION} channels at once, as
 * OpenSSH's {@code MaxSessions}: each SFTP channel has its own subsystem thread, request window and handle limit, so
 * without the cap one authenticated connection multiplies all three. A refusal is counted in
 * {@code vaultgate_sftp_channels_refused_total}; a client's {@code no-more-sessions@openssh.com} outlives the cap.
 */
class ChannelLimitIT {

    private static final int CAP = SftpLimits.DEFAULT_MAX_CHANNELS_PER_CONNECTION;

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    @Test
    void channelOverTheCap_isRefusedAndTheConnectionKeepsWorking() throws Exception {
        double refusedBefore = channelsRefused();
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
                assertThat(channelsRefused() - refusedBefore).as("vaultgate_sftp_channels_refused_total")
                        .isEqualTo(1.0);
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

    @Test
    void noMoreSessionsAskedAtTheCap_isNotUndoneWhenAChannelCloses() throws Exception {
        try (MinaSftp alice = gateway.mina(TestSftpGateway.ALICE)) {
            List<SftpClient> extra = new ArrayList<>();
            try {
                for (int i = 1; i < CAP; i++) {
                    extra.add(SftpClientFactory.instance().createSftpClient(alice.session()));
                }
                askNoMoreSessions(alice.session());
                extra.remove(0).close();

                // Before, the place came back (and the client's request with it) within milliseconds of the close.
                long until = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < until) {
                    assertThatThrownBy(() -> SftpClientFactory.instance().createSftpClient(alice.session()).close())
                            .as("a channel after no-more-sessions")
                            .hasRootCauseInstanceOf(SshChannelOpenException.class);
                    Thread.sleep(100);
                }
                assertThat(extra.get(0).stat("/inbox").isDirectory()).as("the channels it has go on").isTrue();
            } finally {
                for (SftpClient client : extra) {
                    client.close();
                }
            }
        }
    }

    /** OpenSSH's {@code no-more-sessions@openssh.com}, with a reply asked for: handled when this returns. */
    private static void askNoMoreSessions(ClientSession session) throws Exception {
        String name = "no-more-sessions@openssh.com";
        Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST);
        request.putString(name);
        request.putBoolean(true);
        session.request(name, request, java.time.Duration.ofSeconds(10));
    }

    private static double channelsRefused() {
        return gateway.meters().counter("vaultgate.sftp.channels.refused", "reason", "max_channels_per_connection")
                .count();
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
