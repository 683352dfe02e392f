package io.vaultgate.sftp.testing;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/** MINA's own SSH client and SFTP client, in-process, for protocol-level edge cases. */
public final class MinaSftp implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final SshClient client;
    private final ClientSession session;
    private final SftpClient sftp;

    private MinaSftp(SshClient client, ClientSession session, SftpClient sftp) {
        this.client = client;
        this.session = session;
        this.sftp = sftp;
    }

    public static MinaSftp connect(int port, String user, Path key) throws Exception {
        return connect(port, user, loadKey(key));
    }

    public static MinaSftp connect(int port, String user, KeyPair key) throws Exception {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        try {
            ClientSession session = client.connect(user, "127.0.0.1", port).verify(TIMEOUT).getSession();
            session.addPublicKeyIdentity(key);
            session.auth().verify(TIMEOUT);
            return new MinaSftp(client, session, SftpClientFactory.instance().createSftpClient(session));
        } catch (Exception e) {
            client.stop();
            throw e;
        }
    }

    public static KeyPair loadKey(Path file) {
        return new FileKeyPairProvider(file).loadKeys(null).iterator().next();
    }

    public SftpClient sftp() {
        return sftp;
    }

    public ClientSession session() {
        return session;
    }

    /** Uploads {@code content} (UTF-8) to {@code path}, replacing what is there. */
    public void put(String path, String content) throws Exception {
        try (OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Downloads {@code path} as UTF-8 text. */
    public String get(String path) throws Exception {
        try (InputStream in = sftp.read(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Drops the TCP connection without closing handles, as a crashed client or a cut network would. */
    public void disconnectAbruptly() throws Exception {
        session.getIoSession().close(true);
        client.stop();
    }

    @Override
    public void close() throws Exception {
        try {
            sftp.close();
            session.close(false).await(TIMEOUT);
        } finally {
            client.stop();
        }
    }
}
