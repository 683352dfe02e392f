package io.vaultgate.server.ops;

/**
 * One site's forwarding outbox on the status page.
 *
 * @param oldestSeconds age of the oldest job not yet delivered; 0 when none waits
 */
public record SiteQueue(String site, long pending, long inFlight, long dead, double oldestSeconds) {
}
