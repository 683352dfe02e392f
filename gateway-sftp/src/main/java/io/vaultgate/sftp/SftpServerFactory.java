package io.vaultgate.sftp;

import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.defender.ConnectionRefusals;
import io.vaultgate.core.defender.ListenerCap;
import io.vaultgate.sftp.auth.AuthSteps;
import io.vaultgate.sftp.auth.CoreUserAuthenticator;
import io.vaultgate.sftp.auth.DefenderConnectionFilter;
import io.vaultgate.sftp.auth.LiveSessionListener;
import io.vaultgate.sftp.proxy.ProxyProtocolAcceptor;
import io.vaultgate.sftp.proxy.ProxyTrust;
import io.vaultgate.sftp.auth.PrincipalAuthMethods;
import io.vaultgate.sftp.auth.TotpKeyboardInteractive;
import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.sftp.events.AuditingSftpEventListener;
import io.vaultgate.sftp.events.SessionMdc;
import io.vaultgate.sftp.events.SftpMetrics;
import io.vaultgate.sftp.extensions.StatVfsBridge;
import io.vaultgate.sftp.fs.AppendOffsets;
import io.vaultgate.sftp.fs.ClientCloseListener;
import io.vaultgate.sftp.fs.GatewayFileSystemAccessor;
import io.vaultgate.sftp.fs.GatewayFileSystemFactory;
import io.vaultgate.sftp.fs.SessionThreads;
import java.util.List;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.ServerAuthenticationManager;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.WelcomeBannerPhase;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.UnsupportedAttributePolicy;

/**
 * Builds the MINA {@link SshServer} from settings and the core's services: algorithms, host keys,
 * authentication (with the defender, live-session registration, MFA and banner of the core's access
 * control), limits, and the SFTP subsystem with the gateway's file system, accessor, status mapper and
 * listeners. No logic of its own; it only wires. Nothing else (shell, exec, forwarding, agent, X11) is served.
 */
public final class SftpServerFactory {

    /** What the server says in its SSH identification line, instead of MINA's name and version. */
    public static final String IDENTIFICATION = "Vaultgate";

    /** OpenSSH extensions (name=version) announced in the SFTP version reply; each is answered. */
    static final List<String> OPENSSH_EXTENSIONS = List.of("posix-rename@openssh.com=1", "limits@openssh.com=1",
            StatVfsBridge.OPENSSH_EXTENSION);
    /**
     * Other extensions announced ({@code supported2}); {@code check-file} is answered within bounds by the
     * subsystem's bridge ({@code extensions.CheckFileAnswers}): a whole file's SHA-256 from the digest recorded at
     * upload, a range of the decrypted content within {@link SftpLimits#checkFile} (1 MiB per request and 8 MiB per
     * connection by default).
     */
    static final List<String> CLIENT_EXTENSIONS = List.of("check-file-handle", "check-file-name", "space-available");

    private SftpServerFactory() {
    }

    /** The server with MFA steps of its own, stopped with it (a test's bare server). */
    public static SshServer create(SftpSettings settings, Authenticator authenticator, FileService files,
            IngestService ingest, MeterRegistry registry, SessionThreads sessionThreads) {
        AuthSteps authSteps = new AuthSteps(); // MFA steps' workers: no thread until a step needs one
        SshServer server = create(settings, authenticator, files, ingest, registry, sessionThreads, authSteps);
        server.addCloseFutureListener(closed -> authSteps.close());
        return server;
    }

    /**
     * The server, with its MFA steps run by {@code authSteps}, which the caller closes once the server has stopped
     * (so that the records they hand over are written before the core's audit log is closed).
     */
    public static SshServer create(SftpSettings settings, Authenticator authenticator, FileService files,
            IngestService ingest, MeterRegistry registry, SessionThreads sessionThreads, AuthSteps authSteps) {
        SftpMetrics metrics = new SftpMetrics(registry);
        SftpAlgorithms algorithms = settings.algorithms();
        SshServer server = ServerBuilder.builder()
                .keyExchangeFactories(AlgorithmFactories.keyExchanges(algorithms))
                .cipherFactories(AlgorithmFactories.ciphers(algorithms))
                .macFactories(AlgorithmFactories.macs(algorithms))
                .signatureFactories(AlgorithmFactories.signatures(algorithms))
                .compressionFactories(List.of(BuiltinCompressions.none))
                .channelFactories(List.of(ChannelSessionFactory.INSTANCE))
                .forwardingFilter(RejectAllForwardingFilter.INSTANCE)
                .fileSystemFactory(new GatewayFileSystemFactory(files, ingest, settings.tuning().listingPage()))
                .build();
        server.addSessionListener(new SessionMdc());
        server.setHost(settings.bindAddress());
        server.setPort(settings.port());
        server.setKeyPairProvider(HostKeys.load(settings.hostKeys()));

        CoreUserAuthenticator auth = new CoreUserAuthenticator(authenticator, metrics, authSteps);
        server.setPublickeyAuthenticator(auth);
        server.setPasswordAuthenticator(settings.passwordAuthentication() ? auth : null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        applyAccessControl(server, settings, authenticator, auth);
        server.setUserAuthFactories(auth.methods(ServerAuthenticationManager.resolveUserAuthFactories(server)));

        AddressLimiter limiter = applyLimits(server, settings.limits(), settings.proxies(), metrics);
        applyTuning(server, settings.tuning());
        CoreModuleProperties.SERVER_IDENTIFICATION.set(server, IDENTIFICATION);
        SftpModuleProperties.OPENSSH_EXTENSIONS.set(server, String.join(",", OPENSSH_EXTENSIONS));
        SftpModuleProperties.CLIENT_EXTENSIONS.set(server, String.join(",", CLIENT_EXTENSIONS));
        server.addSessionListener(metrics);
        server.setSubsystemFactories(List.of(
                new StatVfsBridge(sftpSubsystem(metrics, authenticator.access(), sessionThreads),
                        settings.limits().checkFile())));
        DefenderConnectionFilter defender = new DefenderConnectionFilter(authenticator.access(), settings.proxies());
        server.addSessionListener(defender);
        if (settings.proxies().enabled()) {
            server.setServerProxyAcceptor(new ProxyProtocolAcceptor(settings.proxies(), List.of(limiter, defender)));
        }
        return server;
    }

    private static SftpSubsystemFactory sftpSubsystem(SftpMetrics metrics, AccessControl access,
            SessionThreads sessionThreads) {
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder()
                .withExecutorServiceProvider(() -> sessionThreads.newExecutor("sftp-session", SessionMdc::around))
                .withFileSystemAccessor(new GatewayFileSystemAccessor(access))
                .withSftpErrorStatusDataHandler(new SftpStatusMapper())
                .withUnsupportedAttributePolicy(UnsupportedAttributePolicy.Warn)
                .build();
        sftp.addSftpEventListener(new ClientCloseListener());
        sftp.addSftpEventListener(new AppendOffsets());
        sftp.addSftpEventListener(new AuditingSftpEventListener(metrics));
        return sftp;
    }

    /**
     * Authenticated sessions are registered so that a lockdown or revocation ends them. When a role requires MFA,
     * a principal of such a role must pass {@code publickey} then a keyboard-interactive TOTP step, while others
     * log in with their key alone ({@link PrincipalAuthMethods}); the banner is shown before authentication (at
     * the first request when MFA is on, as MINA shows it at once only from its own service).
     */
    private static void applyAccessControl(SshServer server, SftpSettings settings, Authenticator authenticator,
                                           CoreUserAuthenticator keys) {
        AccessControl access = authenticator.access();
        server.addSessionListener(new LiveSessionListener(access));
        boolean mfa = access.mfaConfigured();
        if (mfa) {
            server.setKeyboardInteractiveAuthenticator(new TotpKeyboardInteractive(access, keys));
            server.setServiceFactories(List.of(
                    new PrincipalAuthMethods(keys, access, settings.passwordAuthentication()),
                    ServerConnectionServiceFactory.INSTANCE));
        } else {
            server.setKeyboardInteractiveAuthenticator(null);
        }
        access.banner().ifPresent(text -> {
            CoreModuleProperties.WELCOME_BANNER.set(server, text.endsWith("\n") ? text : text + "\n");
            CoreModuleProperties.WELCOME_BANNER_PHASE.set(server,
                    mfa ? WelcomeBannerPhase.FIRST_REQUEST : WelcomeBannerPhase.IMMEDIATE);
        });
    }

    private static void applyTuning(SshServer server, SftpTuning tuning) {
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        CoreModuleProperties.WINDOW_SIZE.set(server, tuning.windowSize());
        CoreModuleProperties.MAX_PACKET_SIZE.set(server, tuning.maxPacketSize());
        CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(server, tuning.readBufferSize());
    }

    /**
     * Every limit of {@link SftpLimits}, the two connection caps included, so that any server built here has them:
     * the listener's ({@code sftp.max-connections}, {@link CappedSessionFactory}, which is also the AEAD-first session
     * factory: refused before the session exists) and the per-source one ({@code sftp.max-connections-per-source},
     * {@link AddressLimiter}); both counted in {@code vaultgate_sftp_connections_refused_total} by reason. The
     * channel cap ({@link ChannelCap}, counted in {@code vaultgate_sftp_channels_refused_total}) replaces MINA's
     * connection service factory, so it comes after {@link #applyAccessControl} has set the service factories.
     */
    private static AddressLimiter applyLimits(SshServer server, SftpLimits limits, ProxyTrust proxies,
                                              SftpMetrics metrics) {
        server.setSessionFactory(new CappedSessionFactory(server, new ListenerCap("sftp.max-connections",
                limits.maxConnections(), metrics.refusals(ConnectionRefusals.Reason.MAX_CONNECTIONS))));
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, limits.maxAuthAttempts());
        CoreModuleProperties.AUTH_TIMEOUT.set(server, limits.authTimeout());
        CoreModuleProperties.IDLE_TIMEOUT.set(server, limits.idleTimeout());
        CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(server, limits.maxSessionsPerAccount());
        ChannelCap.install(server, limits.maxChannelsPerConnection(), metrics.channelRefusals());
        SftpModuleProperties.MAX_OPEN_HANDLES_PER_SESSION.set(server, limits.maxHandlesPerSession());
        AddressLimiter limiter = new AddressLimiter(limits.maxSessionsPerAddress(), proxies,
                metrics.refusals(ConnectionRefusals.Reason.MAX_CONNECTIONS_PER_SOURCE));
        server.addSessionListener(limiter);
        return limiter;
    }
}
