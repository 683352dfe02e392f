package io.vaultgate.core.site;

import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.TenantId;
import java.time.Duration;
import java.util.Objects;

/**
 * Which of a tenant's files go to which site, and how they are grouped into batches.
 *
 * @param pathPrefix files at or below this inbox path join the route, e.g. {@code /inbox} for all
 * @param maxFiles a batch becomes ready at this many files (0: no limit)
 * @param maxBytes a batch becomes ready at this many bytes (0: no limit)
 * @param idleClose a batch with no new file for this long becomes ready ({@link Duration#ZERO}: never)
 */
public record Route(String id, TenantId tenant, String siteId, RouteMode mode, VirtualPath pathPrefix,
                    long maxFiles, long maxBytes, Duration idleClose) {

    public Route {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(mode, "mode");
        if (!pathPrefix.area().equals("inbox")) {
            throw new IllegalArgumentException("a route's path prefix must be /inbox or below it, got " + pathPrefix);
        }
        if (maxFiles < 0 || maxBytes < 0 || idleClose.isNegative()) {
            throw new IllegalArgumentException("route limits must be >= 0 (0 = no limit)");
        }
    }

    public boolean matches(VirtualPath path) {
        return path.startsWith(pathPrefix) && !path.equals(pathPrefix);
    }

    /** True when a batch of this size must stop taking files. */
    public boolean isFull(long files, long bytes) {
        return (maxFiles > 0 && files >= maxFiles) || (maxBytes > 0 && bytes >= maxBytes);
    }
}
