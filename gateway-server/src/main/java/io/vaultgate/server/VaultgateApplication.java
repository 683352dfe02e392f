package io.vaultgate.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.forward.Forwarder;
import io.vaultgate.core.forward.ForwarderSettings;
import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.node.NodeIdInUse;
import io.vaultgate.core.node.NodePresence;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.https.ClientTls;
import io.vaultgate.https.HttpsServer;
import io.vaultgate.https.HttpsServices;
import io.vaultgate.https.metrics.HttpsConnections;
import io.vaultgate.https.Http2Limits;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.http.ProxyPeers;
import io.vaultgate.sftp.proxy.ProxyTrust;
import io.vaultgate.https.admin.AdminServices;
import io.vaultgate.server.cli.doctor.AdminNetworks;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.server.ops.CatalogFileCheck;
import io.vaultgate.server.ops.OpsListener;
import io.vaultgate.server.ops.OpsTls;
import io.vaultgate.server.ops.ReplaceableSslContext;
import io.vaultgate.server.ops.ReadinessCheck;
import io.vaultgate.server.ops.ServerGauges;
import io.vaultgate.server.ops.StoreDirectoryCheck;
import io.vaultgate.server.tls.MissingServerCertificate;
import io.vaultgate.server.tls.ServedCertificate;
import io.vaultgate.server.tls.ServerCertificateFiles;
import io.vaultgate.server.tls.ServerCertificateWatcher;
import io.vaultgate.sftp.SftpAlgorithms;
import io.vaultgate.sftp.SftpFrontEnd;
import io.vaultgate.sftp.SftpLimits;
import io.vaultgate.sftp.SftpSettings;
import io.vaultgate.sftp.SftpTuning;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the only place that builds and wires the gateway, in one start-up order —
 * data directory, key provider, catalog and store (the core), recovery, the front-ends, then the ops listener
 * (metrics, health, status page). Stopping
 * runs the reverse: refuse new uploads, let running ones finish within the grace period, close the
 * front-ends (whatever is still unfinished stays a resumable partial, never a visible file), close the core.
 */
public final class VaultgateApplication implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VaultgateApplication.class);
    private static final java.time.Duration MAINTENANCE_INTERVAL = java.time.Duration.ofSeconds(15);

    private final VaultgateConfig config;
    private final CoreResources resources;
    private final Optional<SftpFrontEnd> sftp;
    private final Optional<HttpsServer> https;
    private final Optional<OpsListener> ops;
    private final Optional<ServerCertificateWatcher> certificates;
    private final AtomicBoolean stopping;
    private final Maintenance maintenance;
    private final Forwarder forwarder;
    private final NodePresence node;

    private VaultgateApplication(VaultgateConfig config, CoreResources resources, NodePresence node,
                                 Forwarder forwarder, Optional<SftpFrontEnd> sftp, Optional<HttpsServer> https,
                                 Optional<OpsListener> ops, Optional<ServerCertificateWatcher> certificates,
                                 AtomicBoolean stopping) {
        this.config = config;
        this.resources = resources;
        this.node = node;
        this.forwarder = forwarder;
        this.sftp = sftp;
        this.https = https;
        this.ops = ops;
        this.certificates = certificates;
        this.stopping = stopping;
        this.maintenance = new Maintenance(resources.core(), MAINTENANCE_INTERVAL);
    }

    /**
     * Starts the gateway; whatever the data directory lacks is initialized first, but for the HTTPS certificate of a
     * gateway initialized before: a start that serves it refuses when it is missing ({@link MissingServerCertificate}).
     */
    public static VaultgateApplication start(VaultgateConfig config, Map<String, String> env) {
        return start(config, env, ServerCertificateWatcher.INTERVAL);
    }

    /**
     * {@link #start(VaultgateConfig, Map)}, with the HTTPS certificate files looked at every {@code certificateLooks}
     * instead of every {@link ServerCertificateWatcher#INTERVAL}: for tests that replace the certificate and wait
     * for it to be served.
     */
    public static VaultgateApplication start(VaultgateConfig config, Map<String, String> env,
                                             java.time.Duration certificateLooks) {
        LOG.info("starting Vaultgate: {}", config.describe());
        ConfigLoader.unusedEnvironment(env, config).forEach(variable ->
                LOG.warn("environment variable {} sets no configuration key; check its spelling", variable));
        DescriptorBudget.warning(config, DescriptorBudget.processLimit()).ifPresent(LOG::warn);
        DataDirectory home = new DataDirectory(config);
        Initializer.Report report = new Initializer().initialize(config, env);
        report.created().forEach(item -> LOG.info("init: created {}", item));
        report.notes().forEach(note -> LOG.warn("init: {}", note));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String nodeId = NodeId.stable(home.home());
        CoreResources resources = CoreResources.open(config, env,
                new CoreMetrics(registry, OpsListener.tenantLabels(config.ops()), Clock.systemUTC()),
                config.catalog().node(NodeSettings.of(nodeId)));
        // the doctor's finding, once the core took the policy: administrators exposed beyond the host without MFA
        AdminNetworks.finding(config.access().policy()).ifPresent(finding -> LOG.warn("{}", finding.line()));
        Optional<SftpFrontEnd> sftp = Optional.empty();
        Optional<HttpsServer> https = Optional.empty();
        Optional<ServerCertificateWatcher> certificates = Optional.empty();
        AtomicBoolean stopping = new AtomicBoolean();
        Forwarder forwarder = null;
        NodePresence node = null;
        try {
            LocalStorageGuard.check(config, resources.core().nodes().settings(), resources.core().nodes().list());
            node = joinCluster(resources.core());
            resources.core().recovery().run();
            GatewayCore core = resources.core();
            // every active tenant's key compared with the catalog's, one after another, while the node serves
            core.kekStartupCheck().startInBackground();
            forwarder = core.forwarding().forwarder(ForwarderSettings.defaults(), nodeId, registry);
            forwarder.start();
            sftp = config.sftp().enabled() ? Optional.of(startSftp(config, home, core, registry)) : Optional.empty();
            // read once for every listener that serves it, and stamped before the read: a replacement landing
            // while the listeners start is a change to the watcher (review31 L2)
            Optional<ServedCertificate> certificate = servesTls(config)
                    ? Optional.of(serverCertificate(home)) : Optional.empty();
            https = config.https().enabled()
                    ? Optional.of(startHttps(config, home, core, certificate.orElseThrow())) : Optional.empty();
            Optional<ReplaceableSslContext> opsTls = opsTls(config, certificate);
            Optional<OpsListener> ops = config.ops().enabled()
                    ? Optional.of(startOps(config, core, registry, sftp, https, opsTls, stopping)) : Optional.empty();
            // a certificate renewed or imported with `vaultgate tls` is served to new connections without a restart
            ServerCertificateWatcher.Listener reload = reloading(https, opsTls);
            certificates = certificate.map(served -> ServerCertificateWatcher.start(served, reload,
                    core.metrics().registry(), Clock.systemUTC(), certificateLooks));
            return new VaultgateApplication(config, resources, node, forwarder, sftp, https, ops, certificates,
                    stopping);
        } catch (IOException e) {
            certificates.ifPresent(ServerCertificateWatcher::close);
            https.ifPresent(HttpsServer::close);
            sftp.ifPresent(SftpFrontEnd::close);
            closeQuietly(forwarder);
            closeQuietly(node);
            resources.close();
            throw new StartupException("storage.path " + config.storageRoot(), "recovery failed: " + e.getMessage(),
                    "check the directory's permissions and free space", e);
        } catch (RuntimeException e) {
            certificates.ifPresent(ServerCertificateWatcher::close);
            https.ifPresent(HttpsServer::close);
            sftp.ifPresent(SftpFrontEnd::close);
            closeQuietly(forwarder);
            closeQuietly(node);
            resources.close();
            throw e;
        }
    }

    /** Whether a listener serves the HTTPS certificate: the HTTPS front-end, or the ops listener with ops.tls. */
    private static boolean servesTls(VaultgateConfig config) {
        return config.https().enabled() || (config.ops().enabled() && config.ops().tls());
    }

    /**
     * The HTTPS certificate the listeners serve; an expired one is served too (clients that check it refuse it, but
     * SFTP and the ops listener's plain HTTP still work, and the fix needs no restart), with a WARN line. A missing
     * one is not: a start refuses, naming the file and the fix (it is issued only by a first initialization).
     */
    private static ServedCertificate serverCertificate(DataDirectory home) {
        ServedCertificate served;
        try {
            new ServerCertificateFiles(home.tlsDir(), new SecureRandom(), Clock.systemUTC())
                    .finishInterruptedReplacement()
                    .ifPresent(file -> LOG.warn("finished a certificate replacement that was cut off between its "
                            + "two renames: {} is now the certificate of the key beside it (its audit record was "
                            + "written before the first rename)", file));
            if (!Files.exists(home.serverCertificate())) {
                throw MissingServerCertificate.of(home.tlsDir()).refusal(); // not issued anew by init (review32 L3)
            }
            served = ServedCertificate.read(home.serverKey(), home.serverCertificate());
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupException(home.serverCertificate() + " (key " + home.serverKey() + ")",
                    "cannot serve the HTTPS server certificate: " + e.getMessage(), "install a usable pair with "
                    + "`vaultgate tls issue` or `vaultgate tls import`, or copy back the *.replaced-* files", e);
        }
        served.expiredWarning(Instant.now()).ifPresent(LOG::warn);
        return served;
    }

    /**
     * Where the watcher hands a renewed certificate: the HTTPS front-end, then the ops listener. The ops listener's
     * context is built before either swaps, so a pair it cannot take is refused by both, never served by one
     * (review32 L1); the HTTPS front-end refuses a pair before it swaps too.
     */
    private static ServerCertificateWatcher.Listener reloading(Optional<HttpsServer> https,
                                                               Optional<ReplaceableSslContext> opsTls) {
        return material -> {
            Optional<SslContext> ops = opsTls.isPresent() ? Optional.of(OpsTls.serverContext(material))
                    : Optional.empty();
            if (https.isPresent()) {
                https.get().replaceTls(material);
            }
            opsTls.ifPresent(context -> context.replace(ops.orElseThrow()));
        };
    }

    private static OpsListener startOps(VaultgateConfig config, GatewayCore core, PrometheusMeterRegistry registry,
                                        Optional<SftpFrontEnd> sftp, Optional<HttpsServer> https,
                                        Optional<ReplaceableSslContext> tls, AtomicBoolean stopping) {
        List<ReadinessCheck> listeners = new ArrayList<>();
        listeners.add(() -> stopping.get() ? CheckResult.down("accepting", "the gateway is shutting down and "
                + "refuses new uploads") : CheckResult.up("accepting"));
        if (config.catalog().type() == io.vaultgate.server.config.CatalogType.SQLITE) {
            listeners.add(CatalogFileCheck.of(config.catalogFile()));
        }
        if (config.storage().type() == io.vaultgate.server.config.StorageType.FILESYSTEM) {
            listeners.add(new StoreDirectoryCheck(config.storageRoot()));
        }
        sftp.ifPresent(server -> listeners.add(() -> server.isRunning() ? CheckResult.up("sftp")
                : CheckResult.down("sftp", "the SFTP listener is not running")));
        https.ifPresent(server -> listeners.add(() -> CheckResult.up("https")));
        DataDirectory home = new DataDirectory(config);
        ServerGauges.storage(registry, config.storageRoot());
        ServerGauges.certificate(registry, "https", home.serverCertificate(), Clock.systemUTC());
        ServerGauges.certificate(registry, "ca", home.caCertificate(), Clock.systemUTC());
        String version = VaultgateApplication.class.getPackage().getImplementationVersion();
        try {
            OpsListener ops = OpsListener.start(config.ops(), tls.map(SslContext.class::cast), registry, core,
                    listeners,
                    version == null ? "development build" : version, Clock.systemUTC());
            LOG.info("ops listening on {}://{}:{} (metrics, health, status page)", config.ops().tls() ? "https" : "http",
                    config.ops().bind(), ops.port());
            return ops;
        } catch (IOException e) {
            throw bindFailure("ops.port", config.ops().bind(), config.ops().port(), e);
        }
    }

    /** The ops listener's TLS context with {@code ops.tls}, which the watcher renews with the HTTPS front-end's. */
    private static Optional<ReplaceableSslContext> opsTls(VaultgateConfig config,
                                                          Optional<ServedCertificate> certificate) {
        if (!config.ops().enabled() || !config.ops().tls()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ReplaceableSslContext(OpsTls.serverContext(certificate.orElseThrow().material())));
        } catch (SSLException e) {
            throw new StartupException("ops.tls " + certificate.orElseThrow().certificate(), "the TLS provider cannot "
                    + "serve the server certificate: " + e.getMessage(), "install a usable pair with `vaultgate tls "
                    + "issue` or `tls import`, or set ops.tls=false", e);
        }
    }

    private static SftpFrontEnd startSftp(VaultgateConfig config, DataDirectory home, GatewayCore core,
                                          PrometheusMeterRegistry registry) {
        SftpSettings settings = new SftpSettings(config.sftp().bind(), config.sftp().port(), home.hostKeys(), true,
                sftpLimits(config), SftpAlgorithms.hardened(), SftpTuning.defaults(),
                new ProxyTrust(config.sftp().proxyProtocol().cidrs("sftp.proxy-protocol.trusted")));
        try {
            return SftpFrontEnd.start(settings, core.authenticator(), core.files(), core.ingest(), registry);
        } catch (java.io.UncheckedIOException e) {
            throw bindFailure("sftp.port", config.sftp().bind(), config.sftp().port(), e.getCause());
        }
    }

    /** Joins the nodes sharing the catalog (a second live process with this node id stops start-up). */
    private static NodePresence joinCluster(GatewayCore core) {
        try {
            return core.nodes().join();
        } catch (NodeIdInUse e) {
            throw new StartupException("node-id " + core.nodes().id(), e.getMessage(),
                    "delete the node-id file in this node's data directory and start it again", e);
        }
    }

    private static void closeQuietly(NodePresence node) {
        if (node != null) {
            node.close();
        }
    }

    private static void closeQuietly(Forwarder forwarder) {
        if (forwarder != null) {
            forwarder.close();
        }
    }

    private static SftpLimits sftpLimits(VaultgateConfig config) {
        SftpLimits defaults = SftpLimits.defaults();
        return new SftpLimits(config.sftp().maxAuthAttempts(), config.sftp().authTimeout(),
                config.sftp().idleTimeout(), defaults.maxHandlesPerSession(), defaults.maxSessionsPerAccount(),
                config.sftp().maxConnectionsPerSource(), config.sftp().maxConnections())
                .withCheckFile(config.sftp().checkFile());
    }

    private static HttpsServer startHttps(VaultgateConfig config, DataDirectory home, GatewayCore core,
                                          ServedCertificate certificate) {
        try {
            HttpsSettings settings = HttpsSettings.defaults(certificate.material())
                    .withAddress(config.https().bind(), config.https().port())
                    .withMaxUploadBytes(config.https().maxUploadSize().bytes())
                    .withMaxConnections(config.https().maxConnections())
                    .withMaxConnectionsPerSource(config.https().maxConnectionsPerSource())
                    .withClientTls(ClientTls.optional(Pem.readCertificates(home.caCertificate())))
                    .withProxies(new ProxyPeers(config.https().proxyProtocol().cidrs("https.proxy-protocol.trusted")))
                    .withHttp2(config.https().http2() ? Http2Limits.ON : Http2Limits.OFF)
                    .withKeepAliveTimeout(config.https().keepAliveTimeout());
            return HttpsServer.start(settings, new HttpsServices(core.authenticator(), core.files(),
                    core.ingest(), core.batches(), core.receipts())
                    .withAdmin(AdminServices.of(core))
                    .withMeters(HttpsConnections.registeredIn(core.metrics().registry()))
                    .withForwarding(core.forwarding().fileState()));
        } catch (IOException e) {
            throw bindFailure("https.port", config.https().bind(), config.https().port(), e);
        } catch (java.nio.channels.UnresolvedAddressException e) { // Netty's bind: no message of its own
            throw bindFailure("https.port", config.https().bind(), config.https().port(),
                    new java.net.UnknownHostException(config.https().bind() + ": the name does not resolve"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("https.port", "interrupted while binding", "start again");
        }
    }

    private static StartupException bindFailure(String key, String bind, int port, Exception e) {
        if (e instanceof BindException || String.valueOf(e.getMessage()).contains("Address already in use")
                || e.getCause() instanceof BindException) {
            return new StartupException(key + " " + bind + ":" + port, "address already in use",
                    "stop the other process or choose another port with --set " + key + "=<port>", e);
        }
        return new StartupException(key + " " + bind + ":" + port, "cannot listen: " + e.getMessage(),
                "check the address and port", e);
    }

    public Optional<Integer> sftpPort() {
        return sftp.map(SftpFrontEnd::port);
    }

    public Optional<Integer> httpsPort() {
        return https.map(HttpsServer::port);
    }

    /** The ops listener's port, if it runs. */
    public Optional<Integer> opsPort() {
        return ops.map(OpsListener::port);
    }

    public GatewayCore core() {
        return resources.core();
    }

    public DataDirectory dataDirectory() {
        return new DataDirectory(config);
    }

    @Override
    public void close() {
        stopping.set(true);
        LOG.info("stopping: refusing new uploads, waiting up to {} for {} running",
                config.shutdown().gracePeriod().toSeconds() + "s",
                resources.core().uploads().active());
        try {
            if (!resources.core().uploads().drain(config.shutdown().gracePeriod())) {
                LOG.warn("grace period over with {} uploads running; they stay resumable partials",
                        resources.core().uploads().active());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        maintenance.close();
        certificates.ifPresent(ServerCertificateWatcher::close);
        https.ifPresent(HttpsServer::close);
        sftp.ifPresent(SftpFrontEnd::close);
        forwarder.close();
        node.close();
        ops.ifPresent(OpsListener::close);
        resources.core().audit().checkpointNow();
        resources.close();
        LOG.info("stopped");
    }
}
