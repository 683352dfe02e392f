package io.vaultgate.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.vaultgate.server.config.VaultgateConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Optional;

/**
 * Whether the listeners' connection caps ({@code sftp.max-connections}, {@code https.max-connections},
 * {@code ops.max-connections}) fit in the file descriptors the process may open. The per-source caps do not count:
 * what all sources hold together is bounded by the listeners' caps. When they do not, a flood of connections runs the process out of
 * descriptors before the caps refuse anything: accepts fail, and so do the catalog, object files and forwarding
 * connections. Start-up warns; it does not refuse, since most connections are never open at once.
 */
final class DescriptorBudget {

    /** Descriptors kept for all but client connections: catalog, object files, forwarding, logs, the JVM's own. */
    static final long RESERVE = 256;

    private DescriptorBudget() {
    }

    /** The warning for a process that may open {@code maxDescriptors} files; none when they fit or it is unknown. */
    static Optional<String> warning(VaultgateConfig config, long maxDescriptors) {
        long caps = (config.sftp().enabled() ? config.sftp().maxConnections() : 0)
                + (config.https().enabled() ? config.https().maxConnections() : 0)
                + (config.ops().enabled() ? config.ops().maxConnections() : 0);
        if (maxDescriptors <= 0 || caps + RESERVE <= maxDescriptors) {
            return Optional.empty();
        }
        return Optional.of("this process may open " + maxDescriptors + " files, but sftp.max-connections, "
                + "https.max-connections and ops.max-connections let clients hold " + caps + " connections, and "
                + RESERVE
                + " more are kept for the catalog, objects and forwarding: raise the limit (LimitNOFILE= in the "
                + "systemd unit, ulimit -n) to at least " + (caps + RESERVE) + ", or lower the caps");
    }

    /** The process's limit on open files; -1 where the JVM does not tell. */
    static long processLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }
}
