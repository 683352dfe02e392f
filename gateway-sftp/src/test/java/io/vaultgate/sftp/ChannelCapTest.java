package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChannelCap} on a bare MINA server and client, with channels the test can close from the server's side. */
class ChannelCapTest {

    private static final int CAP = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private SshServer server;
    private SshClient client;
    private ClientSession session;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host.key")));
        server.setPasswordAuthenticator((user, password, s) -> "secret".equals(password));
        server.setShellFactory(channel -> new IdleShell());
        server.addChannelListener(new ChannelCap(CAP));
        server.start();
        client = SshClient.setUpDefaultClient();
        client.start();
        session = client.connect("u", "127.0.0.1", server.getPort()).verify(TIMEOUT).getSession();
        session.addPasswordIdentity("secret");
        session.auth().verify(TIMEOUT);
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        server.stop(true);
    }

    @Test
    void channelOverTheCap_getsAnOpenFailure_andTheConnectionGoesOn() throws Exception {
        for (int i = 0; i < CAP; i++) {
            open();
        }

        assertThat(refusedOpen().getReasonCode()).isEqualTo(SshConstants.SSH_OPEN_CONNECT_FAILED);
        assertThat(session.isOpen()).isTrue();
    }

    @Test
    void channelClosedGracefullyThenAtOnce_givesBackOnePlaceNotTwo() throws Exception {
        for (int i = 0; i < CAP; i++) {
            open();
        }
        Channel victim = serverChannels().getChannels().iterator().next();
        victim.close(false);
        victim.close(true); // as MINA does when the graceful CLOSE's write times out: reported closed twice

        openOnceThePlaceIsBack();
        refusedOpen();
    }

    private void open() throws Exception {
        ClientChannel channel = session.createShellChannel();
        channel.open().verify(TIMEOUT);
    }

    /** MINA's client reports the server's refusal as the cause of the open's failure. */
    private SshChannelOpenException refusedOpen() {
        Throwable thrown = catchThrowable(this::open);
        assertThat(thrown).hasCauseInstanceOf(SshChannelOpenException.class);
        return (SshChannelOpenException) thrown.getCause();
    }

    /** The server's close reaches the cap as the channel closes; the client may ask before that. */
    private void openOnceThePlaceIsBack() throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                open();
                return;
            } catch (SshException refused) {
                if (!(refused.getCause() instanceof SshChannelOpenException) || System.nanoTime() > deadline) {
                    throw refused;
                }
                Thread.sleep(20);
            }
        }
    }

    private AbstractConnectionService serverChannels() {
        ServerSession serverSession = (ServerSession) server.getActiveSessions().get(0);
        return (AbstractConnectionService) serverSession.getService(
                org.apache.sshd.common.session.ConnectionService.class);
    }

    /** A shell that does nothing until its channel closes. */
    private static final class IdleShell implements Command {
        @Override
        public void setExitCallback(ExitCallback callback) {
        }

        @Override
        public void setErrorStream(OutputStream err) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
        }

        @Override
        public void setInputStream(InputStream in) {
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
