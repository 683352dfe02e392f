package io.vaultgate.sftp.auth;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.sftp.SftpFrontEnd;
import io.vaultgate.sftp.SftpSettings;
import io.vaultgate.sftp.testing.ClientKeys;
import io.vaultgate.sftp.testing.TestHostKeys;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * A real core with a chosen {@link AccessPolicy} behind the SFTP front-end on 127.0.0.1, tenant {@code acme}
 * with accounts made on demand (Ed25519 keys by {@code ssh-keygen}), and a MINA client that connects from any
 * loopback source address (127.0.0.x), as distinct clients would.
 */
final class AccessFixture implements AutoCloseable {

    static final String TENANT = "acme";
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Path directory;
    private final TestCore core;
    private final SftpFrontEnd server;
    private final SimpleMeterRegistry meters;
    private final SshClient client;

    private AccessFixture(Path directory, TestCore core, SftpFrontEnd server, SimpleMeterRegistry meters) {
        this.directory = directory;
        this.core = core;
        this.server = server;
        this.meters = meters;
        this.client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
    }

    static AccessFixture start(Path directory, AccessPolicy policy) throws Exception {
        return start(directory, policy, java.time.Clock.systemUTC());
    }

    /** @param clock the core's clock, e.g. a {@code MutableClock} a test moves past a ban's end */
    static AccessFixture start(Path directory, AccessPolicy policy, java.time.Clock clock) throws Exception {
        return start(directory, policy, clock, UnaryOperator.identity());
    }

    /** @param wrap what the front-end gets instead of the core's authenticator (e.g. one that fails on demand) */
    static AccessFixture start(Path directory, AccessPolicy policy, java.time.Clock clock,
                               UnaryOperator<Authenticator> wrap) throws Exception {
        return start(directory, policy, clock, wrap, new AuthSteps());
    }

    /** @param steps what decides and answers the MFA steps (e.g. with a test's timer and time); closed with it */
    static AccessFixture start(Path directory, AccessPolicy policy, java.time.Clock clock,
                               UnaryOperator<Authenticator> wrap, AuthSteps steps) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TestCore core = TestCore.create(Files.createDirectories(directory.resolve("core")),
                new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(policy), clock);
        GatewayCore gateway = core.core();
        SftpFrontEnd server = SftpFrontEnd.start(
                SftpSettings.loopback(TestHostKeys.in(directory.resolve("hostkeys"))),
                wrap.apply(gateway.authenticator()), gateway.files(), gateway.ingest(), meters, steps);
        return new AccessFixture(directory, core, server, meters);
    }

    /** Creates a client account of {@code acme} with an Ed25519 key. */
    KeyPair client(String user) throws Exception {
        core.client(TENANT, user, Protocol.SFTP);
        ClientKeys.Key key = ClientKeys.generate(directory, user, "ed25519");
        core.core().administration().addSshKey(user, key.publicLine());
        return load(key.privateKey());
    }

    /** Creates an operator of site {@code manila} with an Ed25519 key. */
    KeyPair operator(String user) throws Exception {
        core.operator("manila", user, Protocol.SFTP);
        ClientKeys.Key key = ClientKeys.generate(directory, user, "ed25519");
        core.core().sites().addOperatorSshKey(user, key.publicLine());
        return load(key.privateKey());
    }

    Path keyFile(String user) {
        return ClientKeys.privateKeyFile(directory, user, "ed25519");
    }

    /** A key no account knows. */
    KeyPair strangerKey(String name) throws Exception {
        return load(ClientKeys.generate(directory, name, "ed25519").privateKey());
    }

    static KeyPair load(Path file) {
        return new FileKeyPairProvider(file).loadKeys(null).iterator().next();
    }

    /** Connects from {@code source} (e.g. 127.0.0.2) and authenticates with {@code key}; the caller closes it. */
    ClientSession login(String source, String user, KeyPair key) throws Exception {
        ClientSession session = client.connect(user, new InetSocketAddress("127.0.0.1", server.port()),
                new InetSocketAddress(source, 0)).verify(TIMEOUT).getSession();
        try {
            java.util.Set<ClientSession.ClientSessionEvent> state = session.waitFor(
                    java.util.EnumSet.of(ClientSession.ClientSessionEvent.CLOSED,
                            ClientSession.ClientSessionEvent.WAIT_AUTH), TIMEOUT);
            if (state.contains(ClientSession.ClientSessionEvent.CLOSED)) {
                throw new java.io.IOException("the server closed the connection before authentication");
            }
            session.addPublicKeyIdentity(key);
            session.auth().verify(TIMEOUT);
            return session;
        } catch (Exception e) {
            session.close(true);
            throw e;
        }
    }

    /**
     * Connects from 127.0.0.1 and authenticates with {@code key}, answering a keyboard-interactive challenge with
     * {@code code} (recorded in {@code seen}: the prompts asked and the banner shown); the caller closes it.
     */
    ClientSession loginWithCode(String user, KeyPair key, String code, java.util.List<String> seen) throws Exception {
        ClientSession session = client.connect(user, new InetSocketAddress("127.0.0.1", server.port()))
                .verify(TIMEOUT).getSession();
        try {
            session.setUserInteraction(new org.apache.sshd.client.auth.keyboard.UserInteraction() {
                @Override
                public void welcome(ClientSession s, String banner, String lang) {
                    seen.add("banner:" + banner);
                }

                @Override
                public String[] interactive(ClientSession s, String name, String instruction, String lang,
                                            String[] prompts, boolean[] echo) {
                    seen.add("prompts:" + String.join("|", prompts));
                    return prompts.length == 0 ? new String[0] : new String[] {code};
                }

                @Override
                public String getUpdatedPassword(ClientSession s, String prompt, String lang) {
                    return null;
                }
            });
            session.addPublicKeyIdentity(key);
            session.auth().verify(TIMEOUT);
            return session;
        } catch (Exception e) {
            session.close(true);
            throw e;
        }
    }

    /** Logs in and opens SFTP; closing the client closes the session. */
    SftpClient sftp(String source, String user, KeyPair key) throws Exception {
        return SftpClientFactory.instance().createSftpClient(login(source, user, key)).singleSessionInstance();
    }

    /**
     * Opens a plain TCP connection from {@code source} without saying anything and returns what the server sends
     * until it closes the connection; null if it is still open after 5 s (it admitted the address and waits for
     * the client's identification).
     */
    String bytesUntilClosedFrom(String source) throws Exception {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            socket.setSoTimeout(5000);
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int read; (read = socket.getInputStream().read(buffer)) >= 0; ) {
                    received.write(buffer, 0, read);
                }
            } catch (java.net.SocketTimeoutException stillOpen) {
                return null;
            } catch (java.net.SocketException reset) {
                // closed by the server with a reset: as closed
            }
            return received.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Connects from 127.0.0.1 with a client of its own that has only {@code methods} (MINA's client takes its
     * methods when the session starts) and {@code key}, if any, and tries to log in as {@code user}.
     *
     * @return whether the session got authenticated
     */
    boolean authenticates(String user, java.util.List<org.apache.sshd.client.auth.UserAuthFactory> methods,
                          KeyPair key) throws Exception {
        SshClient own = SshClient.setUpDefaultClient();
        own.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        own.setUserAuthFactories(methods);
        own.start();
        try (ClientSession session = own.connect(user, "127.0.0.1", server.port()).verify(TIMEOUT).getSession()) {
            if (key != null) {
                session.addPublicKeyIdentity(key);
            }
            try {
                session.auth().verify(TIMEOUT);
            } catch (Exception refused) {
                // reported by the result
            }
            return session.isAuthenticated();
        } finally {
            own.stop();
        }
    }

    SshClient sshClient() {
        return client;
    }

    int port() {
        return server.port();
    }

    GatewayCore core() {
        return core.core();
    }

    /** The test core behind the front-end, e.g. to impose a tenant policy as only a test does. */
    TestCore test() {
        return core;
    }

    /**
     * A second core over the same catalog, key store and objects: what {@code vaultgate lockdown} (another
     * process) or another node of the deployment sees. The caller closes it.
     */
    TestCore otherNode() {
        return TestCore.reopen(directory.resolve("core"), new GatewayCore.Settings(Duration.ofHours(24), 64));
    }

    /** How many files of the catalog are committed (visible); read through the core's catalog (either kind). */
    long committedFiles() {
        return core.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM files WHERE state = 'COMMITTED'"));
    }

    SimpleMeterRegistry meters() {
        return meters;
    }

    Path directory() {
        return directory;
    }

    /**
     * Every audit event so far, as its canonical JSON (which holds kind, actor and details); read through the core's
     * catalog, SQLite or PostgreSQL ({@code -Dvaultgate.test.catalog}).
     */
    java.util.List<String> auditEvents() {
        return core.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events ORDER BY seq",
                row -> row.getString(1)));
    }

    @Override
    public void close() throws Exception {
        client.stop();
        server.close();
        core.close();
    }
}
