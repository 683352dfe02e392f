package io.vaultgate.sftp.testing;

import java.nio.file.Path;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

/** A bare MINA server for tests of one piece of the front-end without the gateway around it. */
public final class BareMinaServer {

    /** The one password it accepts, for any user. */
    public static final String PASSWORD = "secret";

    private BareMinaServer() {
    }

    /**
     * MINA's default server on a free loopback port, with a host key generated in {@code dir} and {@link #PASSWORD};
     * not started.
     */
    public static SshServer withPassword(Path dir) {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host.key")));
        server.setPasswordAuthenticator((user, password, session) -> PASSWORD.equals(password));
        return server;
    }
}
