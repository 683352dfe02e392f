package io.vaultgate.sftp.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.defender.DefenderPolicy;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.sftp.HostKeys;
import io.vaultgate.sftp.SftpFrontEnd;
import io.vaultgate.sftp.SftpSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The SFTP front-end started on a loopback port over a real core in a temporary directory, with tenant
 * {@value #TENANT} and its accounts {@value #ALICE} and {@value #BOB}, each holding an Ed25519 key made by
 * {@code ssh-keygen}. The defender never bans 127.0.0.1 here, so tests that probe path escapes from it keep
 * their address; the defender's own tests ({@code auth.AccessFixture}) connect from other 127.0.0.x addresses.
 */
public final class TestSftpGateway implements AutoCloseable {

    public static final String TENANT = "acme";
    public static final String ALICE = "alice";
    public static final String BOB = "bob";

    private final Path directory;
    private final TestCore core;
    private final SftpFrontEnd server;
    private final SimpleMeterRegistry meters;

    private TestSftpGateway(Path directory, TestCore core, SftpFrontEnd server, SimpleMeterRegistry meters) {
        this.directory = directory;
        this.core = core;
        this.server = server;
        this.meters = meters;
    }

    public static TestSftpGateway start(Path directory) throws Exception {
        return start(directory, UnaryOperator.identity());
    }

    public static TestSftpGateway start(Path directory, UnaryOperator<SftpSettings> tweak) throws Exception {
        TestCore core = TestCore.create(Files.createDirectories(directory.resolve("core")),
                new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(AccessPolicy.defaults().withDefender(
                        DefenderPolicy.defaults().withLists(List.of(), List.of(), List.of(Cidr.parse("127.0.0.1/32"))))));
        for (String user : new String[] {ALICE, BOB}) {
            addClient(core, directory, TENANT, user);
        }
        SftpSettings settings = tweak.apply(SftpSettings.loopback(HostKeys.generate(directory.resolve("hostkeys"))));
        GatewayCore gateway = core.core();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SftpFrontEnd server = SftpFrontEnd.start(settings, gateway.authenticator(), gateway.files(), gateway.ingest(),
                meters);
        return new TestSftpGateway(directory, core, server, meters);
    }

    /** Creates an account (and its tenant if new) with an Ed25519 key; returns the private key file. */
    public Path addClient(String tenant, String user) throws Exception {
        return addClient(core, directory, tenant, user);
    }

    /** The core principal of an account made by this gateway, for checks straight against the core. */
    public ClientPrincipal principal(String user) {
        Account account = core.core().administration().accounts(TenantId.of(TENANT)).stream()
                .filter(a -> a.username().equals(user)).findFirst().orElseThrow();
        return new ClientPrincipal(account.id(), user, account.tenant(), Protocol.SFTP);
    }

    private static Path addClient(TestCore core, Path directory, String tenant, String user) throws Exception {
        core.client(tenant, user, Protocol.SFTP);
        ClientKeys.Key key = ClientKeys.generate(directory, user, "ed25519");
        core.core().administration().addSshKey(user, key.publicLine());
        return key.privateKey();
    }

    public GatewayCore core() {
        return core.core();
    }

    public SimpleMeterRegistry meters() {
        return meters;
    }

    public int port() {
        return server.port();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** The private key file of a user's default Ed25519 key. */
    public Path key(String user) {
        return ClientKeys.privateKeyFile(directory, user, "ed25519");
    }

    public Path directory() {
        return directory;
    }

    public OpenSshSftp openSsh(String user) {
        return new OpenSshSftp(directory, port(), user, key(user));
    }

    public MinaSftp mina(String user) throws Exception {
        return MinaSftp.connect(port(), user, key(user));
    }

    /** Stops only the SFTP front-end, as a shutdown does; the core stays open for checks. */
    public void stopSftp() {
        server.close();
    }

    @Override
    public void close() {
        server.close();
        core.close();
    }
}
