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
import io.vaultgate.sftp.SftpFrontEnd;
import io.vaultgate.sftp.SftpSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The SFTP front-end on a loopback port over a real core in a temporary directory, with tenant {@value #TENANT} and
 * its accounts {@value #ALICE} and {@value #BOB}, each holding an Ed25519 key made by {@code ssh-keygen}. The
 * defender never bans 127.0.0.1 here, so tests that probe path escapes from it keep their address; the defender's
 * own tests ({@code auth.AccessFixture}) connect from other 127.0.0.x addresses.
 *
 * <p>A JUnit 5 extension: an IT declares the gateway it needs and nothing else,
 * <pre>{@code
 * @RegisterExtension
 * static final TestSftpGateway gateway = TestSftpGateway.withSettings(s -> s.withLimits(...));
 * }</pre>
 * The gateway starts at its first use (so a test skipped by an assumption starts nothing) and, registered in a
 * static field, serves the whole class and stops after it; in an instance field it serves one test. Clients from
 * {@link #mina} and {@code sftp} processes from {@link #openSsh} that a test leaves open are closed (processes
 * killed by PID, with their {@code ssh} children) after that test; those opened outside a test (in
 * {@code @BeforeAll}) after the class. The temporary directory is deleted when the gateway stops.
 */
public final class TestSftpGateway implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {

    public static final String TENANT = "acme";
    public static final String ALICE = "alice";
    public static final String BOB = "bob";

    private record Running(Path directory, TestCore core, SftpFrontEnd server, SimpleMeterRegistry meters) {
    }

    private final UnaryOperator<SftpSettings> tweak;
    private final UnaryOperator<GatewayCore.Settings> coreTweak;
    private final Clock clock;
    private final TestResources classResources = new TestResources();
    private final TestResources testResources = new TestResources();
    private volatile boolean perClass;
    private volatile boolean inTest;
    private Running running;

    private TestSftpGateway(UnaryOperator<SftpSettings> tweak, UnaryOperator<GatewayCore.Settings> coreTweak,
                            Clock clock) {
        this.tweak = tweak;
        this.coreTweak = coreTweak;
        this.clock = clock;
    }

    /** A gateway with the default loopback settings. */
    public static TestSftpGateway withDefaults() {
        return withSettings(UnaryOperator.identity());
    }

    /** A gateway whose settings are the loopback defaults changed by {@code tweak}. */
    public static TestSftpGateway withSettings(UnaryOperator<SftpSettings> tweak) {
        return new TestSftpGateway(tweak, UnaryOperator.identity(), Clock.systemUTC());
    }

    /** The same gateway over a core whose settings (batch lease, reorder window...) {@code coreTweak} changes. */
    public TestSftpGateway withCoreSettings(UnaryOperator<GatewayCore.Settings> coreTweak) {
        return new TestSftpGateway(tweak, coreTweak, clock);
    }

    /** The same gateway over a core whose time is {@code clock} (e.g. a {@code MutableClock}, for leases). */
    public TestSftpGateway withClock(Clock clock) {
        return new TestSftpGateway(tweak, coreTweak, clock);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        inTest = true;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        inTest = false;
        testResources.close();
        if (!perClass) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    private synchronized Running running() {
        if (running == null) {
            try {
                running = start();
            } catch (Exception e) {
                throw new IllegalStateException("the test gateway did not start", e);
            }
        }
        return running;
    }

    private Running start() throws Exception {
        Path directory = classResources.addDirectory(Files.createTempDirectory("vaultgate-sftp-it"));
        TestCore core = classResources.add(TestCore.create(Files.createDirectories(directory.resolve("core")),
                coreTweak.apply(new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(AccessPolicy.defaults()
                        .withDefender(DefenderPolicy.defaults().withLists(List.of(), List.of(),
                                List.of(Cidr.parse("127.0.0.1/32")))))), clock));
        for (String user : new String[] {ALICE, BOB}) {
            addClient(core, directory, TENANT, user);
        }
        SftpSettings settings = tweak.apply(SftpSettings.loopback(TestHostKeys.in(directory.resolve("hostkeys"))));
        GatewayCore gateway = core.core();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SftpFrontEnd server = classResources.add(SftpFrontEnd.start(settings, gateway.authenticator(), gateway.files(),
                gateway.ingest(), meters));
        return new Running(directory, core, server, meters);
    }

    private synchronized void stop() throws Exception {
        running = null;
        try {
            testResources.close();
        } finally {
            classResources.close();
        }
    }

    /** Creates an account (and its tenant if new) with an Ed25519 key; returns the private key file. */
    public Path addClient(String tenant, String user) throws Exception {
        Running r = running();
        return addClient(r.core(), r.directory(), tenant, user);
    }

    /** The core principal of an account made by this gateway, for checks straight against the core. */
    public ClientPrincipal principal(String user) {
        Account account = core().administration().accounts(TenantId.of(TENANT)).stream()
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
        return running().core().core();
    }

    public SimpleMeterRegistry meters() {
        return running().meters();
    }

    public int port() {
        return running().server().port();
    }

    public boolean isRunning() {
        return running().server().isRunning();
    }

    /** The private key file of a user's default Ed25519 key. */
    public Path key(String user) {
        return ClientKeys.privateKeyFile(directory(), user, "ed25519");
    }

    /** The gateway's temporary directory (client keys, batch files); deleted when the gateway stops. */
    public Path directory() {
        return running().directory();
    }

    public OpenSshSftp openSsh(String user) {
        return new OpenSshSftp(directory(), port(), user, key(user), this::track);
    }

    public MinaSftp mina(String user) throws Exception {
        return track(MinaSftp.connect(port(), user, key(user)));
    }

    /** Closes {@code client} after the current test (or after the class, outside a test) if still open. */
    public <T extends AutoCloseable> T track(T client) {
        return (inTest ? testResources : classResources).add(client);
    }

    /** Kills {@code process} and its children by PID after the current test (or the class) if still running. */
    public Process track(Process process) {
        return (inTest ? testResources : classResources).add(process);
    }

    /** Stops only the SFTP front-end, as a shutdown does; the core stays open for checks. */
    public void stopSftp() {
        running().server().close();
    }
}
