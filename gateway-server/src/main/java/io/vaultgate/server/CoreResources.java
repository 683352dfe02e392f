package io.vaultgate.server;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.keystore.MasterSecret;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * The core opened over a data directory: key provider ({@code keys.provider}: the keystore or the PKCS#11 token,
 * {@link KeyProviders}), catalog and object store, in that order, closed in reverse (the catalog's connection pool and the S3 client included). Admin subcommands use it alone;
 * {@code run} puts the front-ends on top of it.
 */
public final class CoreResources implements AutoCloseable {

    private final KeyProvider keys;
    private final Database database;
    private final ObjectStore store;
    private final GatewayCore core;

    private CoreResources(KeyProvider keys, Database database, ObjectStore store, GatewayCore core) {
        this.keys = keys;
        this.database = database;
        this.store = store;
        this.core = core;
    }

    /**
     * Opens an initialized data directory; a missing or wrong master secret, or a token that cannot be reached or
     * refuses the PIN, stops with a clear line.
     */
    public static CoreResources open(VaultgateConfig config, Map<String, String> env) {
        return open(config, env, CoreMetrics.inMemory(Clock.systemUTC()));
    }

    /**
     * As {@link #open(VaultgateConfig, Map)}, with the core's meters reported to {@code metrics}. Such a core (an admin
     * command's) never joins the cluster, so it is put on the catalog's time here, once ({@link
     * io.vaultgate.core.node.Nodes#measureClock()}): what it writes and compares is then on the nodes' time.
     */
    public static CoreResources open(VaultgateConfig config, Map<String, String> env, CoreMetrics metrics) {
        return openForCommand(config, env, metrics, Clock.systemUTC());
    }

    /**
     * As {@link #open(VaultgateConfig, Map)}, for a command on {@code clock}: put on the catalog's time where it is
     * this host's ({@link CommandClock#system()}), kept as it is where a test pinned it.
     */
    public static CoreResources openForCommand(VaultgateConfig config, Map<String, String> env, CommandClock clock) {
        CoreMetrics metrics = CoreMetrics.inMemory(clock.host());
        return clock.measuresCatalog() ? openForCommand(config, env, metrics, clock.host())
                : open(config, env, metrics, config.catalog().node(NodeSettings.ofProcess()), clock.host());
    }

    /** As {@link #open(VaultgateConfig, Map, CoreMetrics)}, on a host whose clock is {@code hostClock}. */
    static CoreResources openForCommand(VaultgateConfig config, Map<String, String> env, CoreMetrics metrics,
                                        Clock hostClock) {
        CoreResources resources = open(config, env, metrics, config.catalog().node(NodeSettings.ofProcess()),
                hostClock);
        try {
            resources.core().nodes().measureClock();
        } catch (RuntimeException e) {
            resources.close();
            throw new StartupException("catalog", "cannot read the catalog's time: " + e.getMessage(),
                    "check that the catalog answers", e);
        }
        return resources;
    }

    /**
     * As {@link #open(VaultgateConfig, Map, CoreMetrics)}, as node {@code node} of the cluster ({@code run}), which
     * puts its core on the catalog's time when it joins.
     */
    public static CoreResources open(VaultgateConfig config, Map<String, String> env, CoreMetrics metrics,
                                     NodeSettings node) {
        return open(config, env, metrics, node, Clock.systemUTC());
    }

    private static CoreResources open(VaultgateConfig config, Map<String, String> env, CoreMetrics metrics,
                                      NodeSettings node, Clock hostClock) {
        new DataDirectory(config).requireInitialized();
        KeyProvider keys = KeyProviders.open(config, env);
        Database database = null;
        ObjectStore store = null;
        try {
            database = CatalogDatabase.open(config, env);
            store = ObjectStores.open(config, env, database);
            return new CoreResources(keys, database, store, assemble(config, database, store, keys, metrics, node,
                    hostClock));
        } catch (StartupException e) {
            closeAll(store, database, keys);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeAll(store, database, keys);
            throw new StartupException("storage.path " + config.storageRoot(), e.getMessage(),
                    "check that the directory is writable", e);
        }
    }

    private static GatewayCore assemble(VaultgateConfig config, Database database, ObjectStore store,
                                        KeyProvider keys, CoreMetrics metrics, NodeSettings node,
                                        Clock hostClock) {
        int window = config.uploads().reorderWindowSegments(EnvelopeFormat.DEFAULT_SEGMENT_SIZE);
        SecureRandom random = new SecureRandom();
        AuditSigningKey auditKey;
        try {
            auditKey = AuditKeys.load(new DataDirectory(config).auditSigningKey());
        } catch (IOException e) {
            throw new StartupException("audit key " + new DataDirectory(config).auditSigningKey(), e.getMessage(),
                    "run `vaultgate init`, and check the file's owner and mode (0600)", e);
        }
        return GatewayCore.assemble(database, store, keys, auditKey,
                new GatewayCore.Settings(config.uploads().partialExpiry(), window).withAccess(config.access().policy())
                        .withNode(node).withReorderMemory(config.uploads().reorderMemory().bytes())
                        .withReorderMemoryPerTenant(config.uploads().reorderMemoryPerTenantBytes()),
                random, hostClock, metrics);
    }

    /** Reads the master secret from the environment variable or the file the configuration names. */
    static MasterSecret masterSecret(VaultgateConfig config, Map<String, String> env) {
        return KeyProviders.masterSecret(config, env);
    }

    public GatewayCore core() {
        return core;
    }

    @Override
    public void close() {
        core.close();
        closeAll(store, database, keys);
    }

    /** Closes each of {@code resources} that was opened, in the order given, even if one fails. */
    private static void closeAll(Object... resources) {
        RuntimeException failure = null;
        for (Object resource : resources) {
            if (resource instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new IllegalStateException("closing " + resource.getClass().getSimpleName()
                                + " failed", e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
